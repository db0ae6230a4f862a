// libedit for Swift, loaded when the prompt first needs it rather than at every start of the process: libedit
// brings libtinfo, libbsd and libmd, and loading and binding the four cost a third of a millisecond of every
// `teamchat --version`. Swift cannot call C variadic functions either, so the few el_set/el_get/history calls
// teamchat needs are wrapped here in non-variadic functions.
#ifndef TEAMCHAT_CLIBEDIT_H
#define TEAMCHAT_CLIBEDIT_H

#include <stdbool.h>
#include <histedit.h>

/// Whether libedit could be loaded (it is looked up once): without it, nothing below may be called but
/// `teamchat_el_init`, which then returns NULL.
bool teamchat_libedit_available(void);

/// Sets the prompt (ASCII; cut at 255 bytes). One editor per process.
void teamchat_set_prompt(const char *text);

/// An editor on the process's standard streams, emacs key bindings, the teamchat prompt; NULL when libedit is not
/// installed or cannot start. libedit's own signal handling stays off: teamchat owns SIGINT and SIGTERM (Ctrl-C at
/// the prompt ends the read through the editor's character function, see `teamchat_el_set_getc`), and libedit's
/// handler would put the terminal in cooked mode and re-send the signal to the whole process group.
EditLine *teamchat_el_init(const char *program);

/// Puts the terminal in the editor's raw mode now. libedit itself does so only at the first character it reads,
/// after it has drawn the prompt: a key pressed as the prompt appears would otherwise meet the terminal still in
/// cooked mode (a Ctrl-D there is taken by the terminal as end of input, and never reaches the editor).
void teamchat_el_prepare_terminal(EditLine *el);

/// Reads characters with `getc` instead of libedit's own read: it returns 1 with a character, 0 at end of input,
/// -1 to end the read (`teamchat_el_gets` then returns NULL with a count of -1).
void teamchat_el_set_getc(EditLine *el, int (*getc)(EditLine *, wchar_t *));

void teamchat_el_set_history(EditLine *el, History *entries);
void teamchat_el_set_clientdata(EditLine *el, void *data);
void *teamchat_el_get_clientdata(EditLine *el);

/// Binds Tab to `complete`.
void teamchat_el_bind_completion(EditLine *el, unsigned char (*complete)(EditLine *, int));

const char *teamchat_el_gets(EditLine *el, int *count);
void teamchat_el_reset(EditLine *el);
const LineInfo *teamchat_el_line(EditLine *el);
int teamchat_el_insertstr(EditLine *el, const char *text);
/// Deletes `count` characters before the cursor.
void teamchat_el_deletestr(EditLine *el, int count);
void teamchat_el_end(EditLine *el);

/// A history of at most `size` unique entries; NULL when libedit is not installed.
History *teamchat_history_init(int size);
void teamchat_history_enter(History *entries, const char *line);
int teamchat_history_load(History *entries, const char *path);
int teamchat_history_save(History *entries, const char *path);
void teamchat_history_end(History *entries);

#endif
