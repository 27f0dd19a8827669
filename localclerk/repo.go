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
