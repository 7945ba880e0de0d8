package pluggy

import (
	"context"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MaxPageSize is the largest pageSize the API accepts.
const MaxPageSize = 500

// Page is one page of a page-numbered list: {page, total, totalPages, results}.
type Page[T any] struct {
	// Page is this page's number, from 1.
	Page int `json:"page"`
	// Total is the number of results over all pages.
	Total int `json:"total"`
	// TotalPages is the number of pages.
	TotalPages int `json:"totalPages"`
	// Results are this page's results.
	Results []T `json:"results"`
}

// HasNext reports whether a page follows this one.
func (p *Page[T]) HasNext() bool { return p != nil && p.Page < p.TotalPages }

// allPages walks a page-numbered list from page first, fetching each page
// only when the loop asks for its first element. Breaking out of the loop
// stops the fetching. An error is yielded once and ends the walk.
func allPages[T any](ctx context.Context, first int, fetch func(ctx context.Context, page int) (*Page[T], error)) iter.Seq2[T, error] {
	if first < 1 {
		first = 1
	}
	return func(yield func(T, error) bool) {
		for page := first; ; page++ {
			p, err := fetch(ctx, page)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, r := range p.Results {
				if !yield(r, nil) {
					return
				}
			}
			if len(p.Results) == 0 || p.Page >= p.TotalPages {
				return
			}
		}
	}
}

// query builds the query string of a request, encoding each parameter the
// way the spec declares it.
type query struct{ v url.Values }

func (q *query) values() url.Values { return q.v }

func (q *query) set(k, v string) {
	if q.v == nil {
		q.v = url.Values{}
	}
	q.v.Set(k, v)
}

// str sets k when v is not empty.
func (q *query) str(k, v string) {
	if v != "" {
		q.set(k, v)
	}
}

// int sets k when v is not zero.
func (q *query) int(k string, v int) {
	if v != 0 {
		q.set(k, strconv.Itoa(v))
	}
}

// boolPtr sets k when v is not nil.
func (q *query) boolPtr(k string, v *bool) {
	if v != nil {
		q.set(k, strconv.FormatBool(*v))
	}
}

// csv sets k to the comma-joined values (style form, explode false).
func (q *query) csv(k string, vs []string) {
	if len(vs) > 0 {
		q.set(k, strings.Join(vs, ","))
	}
}

// date sets k to YYYY-MM-DD when d is not zero.
func (q *query) date(k string, d Date) {
	if !d.IsZero() {
		q.set(k, d.String())
	}
}

// time sets k to an RFC 3339 time when t is not zero.
func (q *query) time(k string, t time.Time) {
	if !t.IsZero() {
		q.set(k, t.UTC().Format(time.RFC3339Nano))
	}
}

// checkPage validates the page and pageSize of a list call.
func checkPage(page, pageSize int) error {
	if page < 0 {
		return paramErr("page", "must be 1 or more, got %d", page)
	}
	if pageSize < 0 || pageSize > MaxPageSize {
		return paramErr("pageSize", "must be between 1 and %d, got %d", MaxPageSize, pageSize)
	}
	return nil
}

// requireID fails when an identifier argument is empty.
func requireID(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return paramErr(name, "must not be empty")
	}
	return nil
}
