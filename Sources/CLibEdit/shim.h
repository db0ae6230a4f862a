// libedit for Swift: Swift cannot call C variadic functions, so the few el_set/el_get/history calls teamchat
// needs are wrapped here in small non-variadic inline functions.
#ifndef TEAMCHAT_CLIBEDIT_SHIM_H
#define TEAMCHAT_CLIBEDIT_SHIM_H

#include <stdio.h>
#include <histedit.h>

/// The prompt, a plain ASCII string so that libedit measures its width right on every terminal.
static inline char *teamchat_prompt(EditLine *el) {
    (void)el;
    return (char *)"teamchat> ";
}

/// An editor on the process's standard streams, emacs key bindings, the teamchat prompt, libedit's own signal
/// handling (window resizes, restoring the terminal on suspend).
static inline EditLine *teamchat_el_init(const char *program) {
    EditLine *el = el_init(program, stdin, stdout, stderr);
    if (el == NULL) return NULL;
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_SIGNAL, 1);
    el_set(el, EL_PROMPT, teamchat_prompt);
    return el;
}

static inline void teamchat_el_set_history(EditLine *el, History *entries) {
    el_set(el, EL_HIST, history, entries);
}

static inline void teamchat_el_set_clientdata(EditLine *el, void *data) {
    el_set(el, EL_CLIENTDATA, data);
}

static inline void *teamchat_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}

/// Binds Tab to `complete`.
static inline void teamchat_el_bind_completion(EditLine *el, unsigned char (*complete)(EditLine *, int)) {
    el_set(el, EL_ADDFN, "teamchat-complete", "Complete @ids and /commands", complete);
    el_set(el, EL_BIND, "^I", "teamchat-complete", NULL);
}

/// A history of at most `size` unique entries.
static inline History *teamchat_history_init(int size) {
    HistEvent event;
    History *entries = history_init();
    if (entries == NULL) return NULL;
    history(entries, &event, H_SETSIZE, size);
    history(entries, &event, H_SETUNIQUE, 1);
    return entries;
}

static inline void teamchat_history_enter(History *entries, const char *line) {
    HistEvent event;
    history(entries, &event, H_ENTER, line);
}

static inline int teamchat_history_load(History *entries, const char *path) {
    HistEvent event;
    return history(entries, &event, H_LOAD, path);
}

static inline int teamchat_history_save(History *entries, const char *path) {
    HistEvent event;
    return history(entries, &event, H_SAVE, path);
}

#endif
