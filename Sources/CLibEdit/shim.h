// libedit for Swift: Swift cannot call C variadic functions, so the few el_set/el_get/history calls teamchat
// needs are wrapped here in small non-variadic inline functions.
#ifndef TEAMCHAT_CLIBEDIT_SHIM_H
#define TEAMCHAT_CLIBEDIT_SHIM_H

#include <stdio.h>
#include <string.h>
#include <histedit.h>

/// The prompt's text, set with `teamchat_set_prompt` between reads (one editor per process).
static char teamchat_prompt_text[256] = "teamchat> ";

/// The prompt, a plain ASCII string so that libedit measures its width right on every terminal.
static inline char *teamchat_prompt(EditLine *el) {
    (void)el;
    return teamchat_prompt_text;
}

/// Sets the prompt (ASCII; cut at 255 bytes).
static inline void teamchat_set_prompt(const char *text) {
    strncpy(teamchat_prompt_text, text, sizeof teamchat_prompt_text - 1);
    teamchat_prompt_text[sizeof teamchat_prompt_text - 1] = 0;
}

/// An editor on the process's standard streams, emacs key bindings, the teamchat prompt. libedit's own signal
/// handling stays off: teamchat owns SIGINT and SIGTERM (Ctrl-C at the prompt ends the read through the editor's
/// character function, see `teamchat_el_set_getc`), and libedit's handler would put the terminal in cooked mode
/// and re-send the signal to the whole process group.
static inline EditLine *teamchat_el_init(const char *program) {
    EditLine *el = el_init(program, stdin, stdout, stderr);
    if (el == NULL) return NULL;
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_SIGNAL, 0);
    el_set(el, EL_PROMPT, teamchat_prompt);
    return el;
}

/// Puts the terminal in the editor's raw mode now. libedit itself does so only at the first character it reads,
/// after it has drawn the prompt: a key pressed as the prompt appears would otherwise meet the terminal still in
/// cooked mode (a Ctrl-D there is taken by the terminal as end of input, and never reaches the editor).
static inline void teamchat_el_prepare_terminal(EditLine *el) {
    el_set(el, EL_PREP_TERM, 1);
}

/// Reads characters with `getc` instead of libedit's own read: it returns 1 with a character, 0 at end of input,
/// -1 to end the read (`el_gets` then returns NULL with a count of -1).
static inline void teamchat_el_set_getc(EditLine *el, int (*getc)(EditLine *, wchar_t *)) {
    el_set(el, EL_GETCFN, getc);
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
