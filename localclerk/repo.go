package localclerk

// The domain layer's repositories. Each resource has a small repository
// over one transaction (*txn) with typed reads and writes of its records;
// the Backend API, the Frontend API and the hosted pages go through them
// instead of naming record kinds and decoding documents themselves. One
// repository per resource lives in repo_<resource>.go; repo is the part
// they share.

// repo is the typed access to the records of one kind.
type repo[T any] struct {
	t    *txn
	kind string
	id   func(*T) string
}

// newRepo is the repository of kind's records, each stored under id(v).
func newRepo[T any](t *txn, kind string, id func(*T) string) repo[T] {
	return repo[T]{t: t, kind: kind, id: id}
}

// get loads the record id; errNotFound when there is none.
func (r repo[T]) get(id string) (*T, error) {
	v := new(T)
	if err := r.t.get(r.kind, id, v); err != nil {
		return nil, err
	}
	return v, nil
}

// load decodes the record id into v; errNotFound when there is none.
func (r repo[T]) load(id string, v *T) error { return r.t.get(r.kind, id, v) }

// put stores v under its id, inserting or replacing it.
func (r repo[T]) put(v *T) error { return r.t.put(r.kind, r.id(v), v) }

// del deletes the record id and the unique keys it holds in its kind's
// namespaces; errNotFound when there is none.
func (r repo[T]) del(id string) error { return r.t.del(r.kind, id) }

// each calls fn with every record in creation order until fn returns
// false.
func (r repo[T]) each(fn func(*T) bool) error { return each(r.t, r.kind, fn) }

// list returns every record in creation order.
func (r repo[T]) list() ([]*T, error) { return all[T](r.t, r.kind) }

// uniqueKeys is one namespace of unique keys ("<kind>:<name>"), each held
// by one record id: an e-mail address, a slug, a secret's hash. Claims
// are how a repository keeps a value unique across records.
type uniqueKeys struct {
	t  *txn
	ns string
}

// owner returns the id holding key; errNotFound when none does.
func (k uniqueKeys) owner(key string) (string, error) { return k.t.lookup(k.ns, key) }

// claim reserves key for id; errConflict when another id holds it.
func (k uniqueKeys) claim(key, id string) error { return k.t.claim(k.ns, key, id) }

// release frees every key of the namespace that id holds.
func (k uniqueKeys) release(id string) error { return k.t.release(k.ns, id) }

// purgeOlder deletes the records created (created_at, ms) before cutoff:
// short-lived records such as handshake nonces and code verifications.
func (r repo[T]) purgeOlder(cutoff int64) error { return r.t.purgeOlder(r.kind, cutoff) }
