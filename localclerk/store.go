package localclerk

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	_ "modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"
)

// errNotFound is returned by the store when a record does not exist.
var errNotFound = errors.New("localclerk: not found")

// errConflict is returned when a unique key (e-mail address, slug, secret)
// is already taken by another record.
var errConflict = errors.New("localclerk: unique key already taken")

// migrations are applied in order; the index+1 is the schema version kept in
// PRAGMA user_version. Never edit a released entry, append a new one.
//
// Records are stored as JSON documents per kind; the uniq table gives the
// few lookups that must be unique and indexed (e-mail → user, slug → org,
// secret → API key, ...). This keeps export/import trivial and the schema
// stable while the object shapes grow.
var migrations = []string{
	`CREATE TABLE objects (
		kind    TEXT    NOT NULL,
		id      TEXT    NOT NULL,
		seq     INTEGER NOT NULL,
		data    TEXT    NOT NULL,
		PRIMARY KEY (kind, id)
	);
	CREATE INDEX objects_kind_seq ON objects(kind, seq);
	CREATE TABLE uniq (
		kind TEXT NOT NULL,
		key  TEXT NOT NULL,
		id   TEXT NOT NULL,
		PRIMARY KEY (kind, key)
	);
	CREATE INDEX uniq_id ON uniq(kind, id);
	CREATE TABLE meta (
		key   TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);`,
}

// store is the SQLite-backed persistence layer. It holds a single
// connection: SQLite serialises writers anyway, a single connection makes
// an in-memory database shared by every request, and it rules out
// SQLITE_BUSY between our own transactions.
type store struct {
	db *sql.DB
	// lock holds the data file's flock (datafile_lock_unix.go) until
	// close; nil in memory.
	lock *os.File
	// onCommit receives the events of each committed write transaction.
	onCommit func([]webhookEvent)
}

// openStore opens the database: in memory when path is empty, else the
// data file, whose flock (lockDataFile) the store then holds until close.
// maxPages, when positive, caps the file at that many pages (SQLite's
// max_page_count), so tests see the disk fill up.
func openStore(ctx context.Context, path string, lock *os.File, maxPages int) (*store, error) {
	dsn := "file::memory:"
	if path != "" {
		u := url.URL{Scheme: "file", Opaque: path}
		dsn = u.String()
	}
	q := "?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	if path != "" {
		q += "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	}
	if maxPages > 0 {
		q += fmt.Sprintf("&_pragma=max_page_count(%d)", maxPages)
	}
	db, err := sql.Open("sqlite", dsn+q)
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		return nil, fmt.Errorf("open sqlite %q: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s := &store{db: db, lock: lock}
	if err := s.migrate(ctx); err != nil {
		s.close()
		return nil, classifyStoreError(path, err)
	}
	return s, nil
}

func (s *store) close() error {
	err := s.db.Close()
	if s.lock != nil {
		s.lock.Close() // releases the flock
	}
	return err
}

func (s *store) migrate(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("data file schema version %d is newer than this localclerk (%d)", version, len(migrations))
	}
	if version == 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
			return fmt.Errorf("read schema: %w", err)
		}
		if n > 0 {
			return errors.New("the database has tables but no localclerk schema version; it belongs to something else")
		}
	}
	if version > 0 {
		// Touch the schema so a damaged file fails here, not mid-request.
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM objects").Scan(&n); err != nil {
			return fmt.Errorf("check data file: %w", err)
		}
		var ok string
		if err := s.db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&ok); err != nil || ok != "ok" {
			if err == nil {
				err = errors.New(ok)
			}
			return fmt.Errorf("data file integrity check failed: %w", err)
		}
	}
	for i := version; i < len(migrations); i++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("apply migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("record migration %d: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit migration %d: %w", i+1, err)
		}
	}
	return nil
}

// txn is one transaction. All reads and writes of a request go through one
// txn so that a request sees and produces a consistent state.
type txn struct {
	ctx    context.Context
	tx     *sql.Tx
	events []webhookEvent
	// committed runs after a successful commit, in order: what must not
	// happen for a change that is rolled back (a log line saying it
	// happened).
	committed []func()
}

// afterCommit runs fn once the transaction has committed; never if it
// rolls back.
func (t *txn) afterCommit(fn func()) { t.committed = append(t.committed, fn) }

// update runs fn in a write transaction, committing only if fn succeeds.
func (s *store) update(ctx context.Context, fn func(t *txn) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	t := &txn{ctx: ctx, tx: tx}
	if err := fn(t); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	if s.onCommit != nil && len(t.events) > 0 {
		s.onCommit(t.events)
	}
	for _, fn := range t.committed {
		fn()
	}
	return nil
}

// view runs fn in a transaction that is always rolled back.
func (s *store) view(ctx context.Context, fn func(t *txn) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read transaction: %w", err)
	}
	defer tx.Rollback()
	return fn(&txn{ctx: ctx, tx: tx})
}

func (t *txn) get(kind, id string, v any) error {
	var data string
	err := t.tx.QueryRowContext(t.ctx, "SELECT data FROM objects WHERE kind = ? AND id = ?", kind, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", kind, err)
	}
	if err := json.Unmarshal([]byte(data), v); err != nil {
		return fmt.Errorf("decode %s %s: %w", kind, id, err)
	}
	return nil
}

// put inserts or replaces a record; a new record is ordered after all
// existing ones of its kind, a replaced one keeps its position.
func (t *txn) put(kind, id string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", kind, err)
	}
	_, err = t.tx.ExecContext(t.ctx, `INSERT INTO objects(kind, id, seq, data)
		VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM objects WHERE kind = ?), ?)
		ON CONFLICT(kind, id) DO UPDATE SET data = excluded.data`, kind, id, kind, string(data))
	if err != nil {
		return fmt.Errorf("write %s: %w", kind, err)
	}
	return nil
}

func (t *txn) del(kind, id string) error {
	res, err := t.tx.ExecContext(t.ctx, "DELETE FROM objects WHERE kind = ? AND id = ?", kind, id)
	if err != nil {
		return fmt.Errorf("delete %s: %w", kind, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound
	}
	if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM uniq WHERE id = ? AND kind LIKE ?", id, kind+":%"); err != nil {
		return fmt.Errorf("delete %s keys: %w", kind, err)
	}
	return nil
}

// each decodes every record of a kind, in creation order, calling fn with
// a decoder; fn returns false to stop.
func each[T any](t *txn, kind string, fn func(v *T) bool) error {
	rows, err := t.tx.QueryContext(t.ctx, "SELECT data FROM objects WHERE kind = ? ORDER BY seq", kind)
	if err != nil {
		return fmt.Errorf("list %s: %w", kind, err)
	}
	defer rows.Close()
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return fmt.Errorf("list %s: %w", kind, err)
		}
		v := new(T)
		if err := json.Unmarshal([]byte(data), v); err != nil {
			return fmt.Errorf("decode %s: %w", kind, err)
		}
		if !fn(v) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list %s: %w", kind, err)
	}
	return nil
}

// all returns every record of a kind in creation order.
func all[T any](t *txn, kind string) ([]*T, error) {
	var out []*T
	err := each(t, kind, func(v *T) bool { out = append(out, v); return true })
	return out, err
}

// claim reserves a unique key for id; errConflict if another id holds it.
// The namespace is "<kind>:<name>", e.g. "user:email".
func (t *txn) claim(ns, key, id string) error {
	var owner string
	err := t.tx.QueryRowContext(t.ctx, "SELECT id FROM uniq WHERE kind = ? AND key = ?", ns, key).Scan(&owner)
	switch {
	case err == nil && owner == id:
		return nil
	case err == nil:
		return errConflict
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("check %s: %w", ns, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, "INSERT INTO uniq(kind, key, id) VALUES (?, ?, ?)", ns, key, id); err != nil {
		return fmt.Errorf("claim %s: %w", ns, err)
	}
	return nil
}

// release frees every key of a namespace held by id.
func (t *txn) release(ns, id string) error {
	if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM uniq WHERE kind = ? AND id = ?", ns, id); err != nil {
		return fmt.Errorf("release %s: %w", ns, err)
	}
	return nil
}

// lookup returns the id holding a unique key.
func (t *txn) lookup(ns, key string) (string, error) {
	var id string
	err := t.tx.QueryRowContext(t.ctx, "SELECT id FROM uniq WHERE kind = ? AND key = ?", ns, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNotFound
	}
	if err != nil {
		return "", fmt.Errorf("lookup %s: %w", ns, err)
	}
	return id, nil
}

func (t *txn) getMeta(key string) (string, error) {
	var v string
	err := t.tx.QueryRowContext(t.ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNotFound
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

func (t *txn) setMeta(key, value string) error {
	_, err := t.tx.ExecContext(t.ctx, "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value)
	if err != nil {
		return fmt.Errorf("write setting %s: %w", key, err)
	}
	return nil
}

// purgeOlder deletes records of a kind whose created_at (ms) is before
// cutoff; used for short-lived records such as handshake nonces.
func (t *txn) purgeOlder(kind string, cutoff int64) error {
	_, err := t.tx.ExecContext(t.ctx, "DELETE FROM objects WHERE kind = ? AND json_extract(data, '$.created_at') < ?", kind, cutoff)
	if err != nil {
		return fmt.Errorf("purge %s: %w", kind, err)
	}
	return nil
}

// dumpRow is one stored record in an export.
type dumpRow struct {
	Kind string          `json:"kind"`
	ID   string          `json:"id"`
	Data json.RawMessage `json:"data"`
}

// uniqRow is one unique key in an export.
type uniqRow struct {
	NS  string `json:"ns"`
	Key string `json:"key"`
	ID  string `json:"id"`
}

func (t *txn) dump() (objs []dumpRow, keys []uniqRow, meta map[string]string, err error) {
	rows, err := t.tx.QueryContext(t.ctx, "SELECT kind, id, data FROM objects ORDER BY kind, seq")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("export records: %w", err)
	}
	for rows.Next() {
		var r dumpRow
		var data string
		if err := rows.Scan(&r.Kind, &r.ID, &data); err != nil {
			rows.Close()
			return nil, nil, nil, fmt.Errorf("export records: %w", err)
		}
		r.Data = json.RawMessage(data)
		objs = append(objs, r)
	}
	rows.Close()
	rows, err = t.tx.QueryContext(t.ctx, "SELECT kind, key, id FROM uniq ORDER BY kind, key")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("export keys: %w", err)
	}
	for rows.Next() {
		var r uniqRow
		if err := rows.Scan(&r.NS, &r.Key, &r.ID); err != nil {
			rows.Close()
			return nil, nil, nil, fmt.Errorf("export keys: %w", err)
		}
		keys = append(keys, r)
	}
	rows.Close()
	meta = map[string]string{}
	rows, err = t.tx.QueryContext(t.ctx, "SELECT key, value FROM meta")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("export settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, nil, nil, fmt.Errorf("export settings: %w", err)
		}
		meta[k] = v
	}
	return objs, keys, meta, rows.Err()
}

func (t *txn) wipe() error {
	for _, q := range []string{"DELETE FROM objects", "DELETE FROM uniq", "DELETE FROM meta"} {
		if _, err := t.tx.ExecContext(t.ctx, q); err != nil {
			return fmt.Errorf("clear data: %w", err)
		}
	}
	return nil
}

func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
