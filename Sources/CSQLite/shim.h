// The system's SQLite (Debian: libsqlite3-dev), which has FTS5 compiled in: the round log's database.
#include <sqlite3.h>

// sqlite3_db_config is variadic, which Swift cannot call: this names the one use the log makes of it.
// A connection that closes leaves the write-ahead log to be checkpointed later (by `wal_autocheckpoint`), rather than
// checkpointing and syncing twice on every close.
static inline int teamchat_sqlite_no_checkpoint_on_close(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}

// Keeps the write-ahead log file when the last connection closes (it is reset, not deleted and made again, which
// would sync the new file and its directory).
static inline int teamchat_sqlite_persist_wal(sqlite3 *db) {
    int on = 1;
    return sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
}
