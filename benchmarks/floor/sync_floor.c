/*
 * The C floor of the annotation and sync workloads (benchmarks/run.py): the rows a newsdb import ended with,
 * inserted again through the SQLite C API into a database as it was before that import.
 *
 *     sync_floor SOURCE TARGET SPEC...
 *
 * SOURCE is a database newsdb wrote (after `annotations import` or `sync import`); TARGET is a copy of the database
 * that import started from (same schema, same articles). Each SPEC names the rows to copy:
 *
 *     TABLE              every row of TABLE, every column
 *     TABLE=SELECT ...   the rows of the query, inserted into the columns of TABLE its result columns are named for
 *                        (the note index: annotation_notes_fts=SELECT seq AS rowid, note FROM annotation_notes)
 *
 * Every row is read from SOURCE into memory first (untimed). Then, timed from opening TARGET to closing it (which
 * checkpoints its write-ahead log, as newsdb does when it exits), in wall-clock and CPU seconds: with newsdb's settings (WAL, synchronous=FULL,
 * foreign keys on), one transaction, one prepared INSERT OR IGNORE per SPEC (a row TARGET holds already, such as the
 * replica's own entry in `origins`, stays), bound and stepped once per row. It prints one line of JSON:
 * {"seconds": S, "cpu_seconds": C, "rows": {"SPEC's table": N, ...}}. Any SQLite error ends it with status 1 and a line on stderr.
 *
 * Built by the benchmark with the system's SQLite, the one newsdb links: cc -O2 -o sync_floor sync_floor.c -lsqlite3
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rows {
    const char *table;
    char *insert;          /* INSERT OR IGNORE INTO table (columns) VALUES (?, ...) */
    int columns;
    long count;
    sqlite3_value **values; /* count * columns, row by row */
};

static void fail(sqlite3 *db, const char *doing) {
    fprintf(stderr, "sync_floor: %s: %s\n", doing, db ? sqlite3_errmsg(db) : "out of memory");
    exit(1);
}

static void exec(sqlite3 *db, const char *sql) {
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) fail(db, sql);
}

/* Reads the rows `spec` names from `source`. */
static void load(sqlite3 *source, const char *spec, struct rows *out) {
    const char *equals = strchr(spec, '=');
    char *table = equals ? strndup(spec, (size_t)(equals - spec)) : strdup(spec);
    char *query = equals ? strdup(equals + 1) : sqlite3_mprintf("SELECT * FROM \"%w\"", table);
    sqlite3_stmt *select;
    if (!table || !query) fail(NULL, spec);
    if (sqlite3_prepare_v2(source, query, -1, &select, NULL) != SQLITE_OK) fail(source, query);
    out->table = table;
    out->columns = sqlite3_column_count(select);
    /* The insert: the table's columns as the query names them. */
    size_t size = strlen(table) + 64;
    for (int i = 0; i < out->columns; i++) size += strlen(sqlite3_column_name(select, i)) + 8;
    out->insert = malloc(size);
    if (!out->insert) fail(NULL, spec);
    int used = snprintf(out->insert, size, "INSERT OR IGNORE INTO \"%s\" (", table);
    for (int i = 0; i < out->columns; i++)
        used += snprintf(out->insert + used, size - used, "%s\"%s\"", i ? ", " : "", sqlite3_column_name(select, i));
    used += snprintf(out->insert + used, size - used, ") VALUES (");
    for (int i = 0; i < out->columns; i++) used += snprintf(out->insert + used, size - used, "%s?", i ? ", " : "");
    snprintf(out->insert + used, size - used, ")");
    long capacity = 1024;
    out->count = 0;
    out->values = malloc(sizeof(sqlite3_value *) * capacity * out->columns);
    int code;
    while ((code = sqlite3_step(select)) == SQLITE_ROW) {
        if (out->count == capacity) {
            capacity *= 2;
            out->values = realloc(out->values, sizeof(sqlite3_value *) * capacity * out->columns);
        }
        if (!out->values) fail(NULL, spec);
        for (int i = 0; i < out->columns; i++) {
            sqlite3_value *value = sqlite3_value_dup(sqlite3_column_value(select, i));
            if (!value) fail(NULL, spec);
            out->values[out->count * out->columns + i] = value;
        }
        out->count++;
    }
    if (code != SQLITE_DONE) fail(source, query);
    sqlite3_finalize(select);
    if (equals) free(query); else sqlite3_free(query);
}

static double now(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: sync_floor SOURCE TARGET SPEC...\n");
        return 2;
    }
    int specs = argc - 3;
    struct rows *rows = calloc((size_t)specs, sizeof *rows);
    sqlite3 *source;
    if (!rows) fail(NULL, "loading");
    if (sqlite3_open_v2(argv[1], &source, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) fail(source, argv[1]);
    for (int s = 0; s < specs; s++) load(source, argv[3 + s], &rows[s]);
    sqlite3_close(source);

    double start = now(CLOCK_MONOTONIC), cpu = now(CLOCK_PROCESS_CPUTIME_ID);
    sqlite3 *db;
    if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) fail(db, argv[2]);
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = FULL");
    exec(db, "PRAGMA foreign_keys = ON");
    exec(db, "PRAGMA cache_size = -65536");
    exec(db, "BEGIN IMMEDIATE");
    for (int s = 0; s < specs; s++) {
        sqlite3_stmt *insert;
        if (sqlite3_prepare_v2(db, rows[s].insert, -1, &insert, NULL) != SQLITE_OK) fail(db, rows[s].insert);
        for (long r = 0; r < rows[s].count; r++) {
            for (int i = 0; i < rows[s].columns; i++)
                if (sqlite3_bind_value(insert, i + 1, rows[s].values[r * rows[s].columns + i]) != SQLITE_OK)
                    fail(db, rows[s].insert);
            if (sqlite3_step(insert) != SQLITE_DONE) fail(db, rows[s].insert);
            sqlite3_reset(insert);
        }
        sqlite3_finalize(insert);
    }
    exec(db, "COMMIT");
    if (sqlite3_close(db) != SQLITE_OK) fail(db, "closing");
    double seconds = now(CLOCK_MONOTONIC) - start;
    cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpu;

    printf("{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"rows\": {", seconds, cpu);
    for (int s = 0; s < specs; s++) printf("%s\"%s\": %ld", s ? ", " : "", rows[s].table, rows[s].count);
    printf("}}\n");
    return 0;
}
