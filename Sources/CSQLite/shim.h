// The system's SQLite (Debian: libsqlite3-dev), which has FTS5 compiled in: the round log's database.
#include <sqlite3.h>
