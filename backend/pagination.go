package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
)

// DefaultPageSize is the page size used by the *All iterators when the
// caller's params do not set a limit.
const DefaultPageSize = 100

// Page is one page of a list operation: every paginated method answers
// a *Page of its items, and has an …All iterator that walks the pages.
// Clerk answers some lists with a bare array and others with
// {"data": [...], "total_count": n}; Page decodes both. TotalCount is the
// number of items across all pages, or -1 when the server did not report
// it (bare arrays; set the params' Paginated field where the operation
// has one to get a count). Users.List, whose bare array has a count
// operation, fills it with a second call (GET /users/count).
type Page[T any] struct {
	Data       []T   `json:"data"`
	TotalCount int64 `json:"total_count"`
}

// newPage builds a page from items kept under a key other than "data".
func newPage[T any](items []T, total *int64) *Page[T] {
	p := &Page[T]{Data: items, TotalCount: -1}
	if total != nil {
		p.TotalCount = *total
	}
	return p
}

// UnmarshalJSON accepts either a JSON array or a {data, total_count} object.
func (l *Page[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		l.TotalCount = -1
		return json.Unmarshal(b, &l.Data)
	}
	if bytes.Equal(b, []byte("null")) {
		l.Data, l.TotalCount = nil, -1
		return nil
	}
	var obj struct {
		Data       []T    `json:"data"`
		TotalCount *int64 `json:"total_count"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	l.Data, l.TotalCount = obj.Data, -1
	if obj.TotalCount != nil {
		l.TotalCount = *obj.TotalCount
	}
	return nil
}

// pageFetcher fetches limit items starting at offset and reports the total
// count, or -1 when unknown.
type pageFetcher[T any] func(ctx context.Context, limit, offset int) ([]T, int64, error)

// paginate walks a limit/offset list until a short or empty page, or until
// total_count is reached. A fetch error is yielded once and ends the walk.
func paginate[T any](ctx context.Context, limit, offset int, fetch pageFetcher[T]) iter.Seq2[T, error] {
	if limit <= 0 {
		limit = DefaultPageSize
	}
	return func(yield func(T, error) bool) {
		for {
			if err := ctx.Err(); err != nil {
				var zero T
				yield(zero, err)
				return
			}
			items, total, err := fetch(ctx, limit, offset)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			offset += len(items)
			// A zero total is treated as unknown: some models decode an
			// absent total_count as 0, and a real 0 comes with no items.
			if len(items) == 0 || len(items) < limit || (total > 0 && int64(offset) >= total) {
				return
			}
		}
	}
}
