#include "CLibEdit.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/// libedit's functions, looked up once. Every one is required: a library that lacks one is treated as absent.
static struct {
    EditLine *(*el_init)(const char *, FILE *, FILE *, FILE *);
    void (*el_end)(EditLine *);
    void (*el_reset)(EditLine *);
    const char *(*el_gets)(EditLine *, int *);
    int (*el_set)(EditLine *, int, ...);
    int (*el_get)(EditLine *, int, ...);
    const LineInfo *(*el_line)(EditLine *);
    int (*el_insertstr)(EditLine *, const char *);
    void (*el_deletestr)(EditLine *, int);
    History *(*history_init)(void);
    void (*history_end)(History *);
    int (*history)(History *, HistEvent *, int, ...);
} libedit;

static bool loaded = false;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    // Debian and Ubuntu ship libedit.so.2; some distributions call it libedit.so.0.
    static const char *const names[] = {"libedit.so.2", "libedit.so.0", "libedit.so"};
    void *handle = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && handle == NULL; i++) {
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (handle == NULL) return;
#define FIND(name) \
    if ((*(void **)&libedit.name = dlsym(handle, #name)) == NULL) return;
    FIND(el_init) FIND(el_end) FIND(el_reset) FIND(el_gets) FIND(el_set) FIND(el_get) FIND(el_line)
    FIND(el_insertstr) FIND(el_deletestr) FIND(history_init) FIND(history_end) FIND(history)
#undef FIND
    loaded = true;
}

bool teamchat_libedit_available(void) {
    pthread_once(&once, load);
    return loaded;
}

/// The prompt's text, a plain ASCII string so that libedit measures its width right on every terminal.
static char prompt_text[256] = "teamchat> ";

void teamchat_set_prompt(const char *text) {
    strncpy(prompt_text, text, sizeof prompt_text - 1);
    prompt_text[sizeof prompt_text - 1] = 0;
}

static char *prompt(EditLine *el) {
    (void)el;
    return prompt_text;
}

EditLine *teamchat_el_init(const char *program) {
    if (!teamchat_libedit_available()) return NULL;
    EditLine *el = libedit.el_init(program, stdin, stdout, stderr);
    if (el == NULL) return NULL;
    libedit.el_set(el, EL_EDITOR, "emacs");
    libedit.el_set(el, EL_SIGNAL, 0);
    libedit.el_set(el, EL_PROMPT, prompt);
    return el;
}

void teamchat_el_prepare_terminal(EditLine *el) { libedit.el_set(el, EL_PREP_TERM, 1); }

void teamchat_el_set_getc(EditLine *el, int (*getc)(EditLine *, wchar_t *)) { libedit.el_set(el, EL_GETCFN, getc); }

void teamchat_el_set_history(EditLine *el, History *entries) {
    libedit.el_set(el, EL_HIST, libedit.history, entries);
}

void teamchat_el_set_clientdata(EditLine *el, void *data) { libedit.el_set(el, EL_CLIENTDATA, data); }

void *teamchat_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    libedit.el_get(el, EL_CLIENTDATA, &data);
    return data;
}

void teamchat_el_bind_completion(EditLine *el, unsigned char (*complete)(EditLine *, int)) {
    libedit.el_set(el, EL_ADDFN, "teamchat-complete", "Complete @ids and /commands", complete);
    libedit.el_set(el, EL_BIND, "^I", "teamchat-complete", NULL);
}

const char *teamchat_el_gets(EditLine *el, int *count) { return libedit.el_gets(el, count); }
void teamchat_el_reset(EditLine *el) { libedit.el_reset(el); }
const LineInfo *teamchat_el_line(EditLine *el) { return libedit.el_line(el); }
int teamchat_el_insertstr(EditLine *el, const char *text) { return libedit.el_insertstr(el, text); }
void teamchat_el_deletestr(EditLine *el, int count) { libedit.el_deletestr(el, count); }
void teamchat_el_end(EditLine *el) { libedit.el_end(el); }

History *teamchat_history_init(int size) {
    if (!teamchat_libedit_available()) return NULL;
    HistEvent event;
    History *entries = libedit.history_init();
    if (entries == NULL) return NULL;
    libedit.history(entries, &event, H_SETSIZE, size);
    libedit.history(entries, &event, H_SETUNIQUE, 1);
    return entries;
}

void teamchat_history_enter(History *entries, const char *line) {
    HistEvent event;
    libedit.history(entries, &event, H_ENTER, line);
}

int teamchat_history_load(History *entries, const char *path) {
    HistEvent event;
    return libedit.history(entries, &event, H_LOAD, path);
}

int teamchat_history_save(History *entries, const char *path) {
    HistEvent event;
    return libedit.history(entries, &event, H_SAVE, path);
}

void teamchat_history_end(History *entries) { libedit.history_end(entries); }
