package pluggy

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"net/http"
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

// allPages walks a page-numbered list, routeLiteral, from page first. Page 1 is fetched
// when the loop asks for its first element; each later page is requested
// once the loop has taken the first result of the page before it, so that
// it travels while the loop consumes the rest (see sweep). Breaking out of
// the loop stops the fetching. An error is yielded once and ends the walk;
// so does a page that does not advance (the server answers another page
// than the one asked for), a *DecodeError. An answer that does not say its
// page counts as the page asked for, and the walk ends at totalPages.
func allPages[T any](ctx context.Context, routeLiteral string, first int, fetch func(ctx context.Context, page int) (*Page[T], error)) iter.Seq2[T, error] {
	if first < 1 {
		first = 1
	}
	return func(yield func(T, error) bool) {
		type step struct {
			p    *Page[T]
			want int
		}
		get := func(page int) func(context.Context) (step, error) {
			return func(ctx context.Context) (step, error) {
				p, err := fetch(ctx, page)
				return step{p, page}, err
			}
		}
		sweep(ctx, yield, get(first),
			func(s step) []T { return s.p.Results },
			func(s step) (func(context.Context) (step, error), error) {
				// An answer without page (optional in most of the spec's
				// page schemas) is taken as the page asked for.
				page := s.p.Page
				if page == 0 {
					page = s.want
				}
				switch {
				case len(s.p.Results) == 0:
					return nil, nil
				case page != s.want:
					return nil, &DecodeError{Route: routeLiteral, StatusCode: http.StatusOK, Err: fmt.Errorf(
						"asked for page %d, the server answered page %d of %d; stopping instead of looping", s.want, s.p.Page, s.p.TotalPages)}
				case page >= s.p.TotalPages:
					return nil, nil
				}
				return get(s.want + 1), nil
			})
	}
}

// sweep is the engine of the paginated iterators. It fetches the first page
// with first, yields its results in order, and asks next for the page after
// it: nil for none, or an error when the page does not advance (yielded
// after the page's results). The following page is requested, in a
// goroutine, as soon as the loop has taken the first result of the current
// one, so that the request and its decoding overlap with the loop's work:
// at most one request ahead and two pages in memory, results and errors in
// order, every request through the client's pipeline (limiter included).
// When the loop breaks or ctx ends, the request ahead is cancelled and
// waited for: no goroutine outlives the loop.
func sweep[T, P any](ctx context.Context, yield func(T, error) bool, first func(context.Context) (P, error),
	results func(P) []T, next func(P) (func(context.Context) (P, error), error)) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type answer struct {
		p   P
		err error
	}
	var ahead chan answer
	defer func() {
		if ahead != nil {
			cancel()
			<-ahead
		}
	}()
	fail := func(err error) {
		var zero T
		yield(zero, err)
	}
	p, err := first(ctx)
	for {
		if err != nil {
			fail(err)
			return
		}
		following, stop := next(p)
		request := func() {
			if following == nil || ahead != nil {
				return
			}
			ch := make(chan answer, 1)
			ahead = ch
			go func() {
				q, err := following(ctx)
				ch <- answer{q, err}
			}()
		}
		for i, r := range results(p) {
			if !yield(r, nil) {
				return
			}
			if i == 0 {
				request()
			}
		}
		if stop != nil {
			fail(stop)
			return
		}
		if following == nil {
			return
		}
		request()
		a := <-ahead
		ahead = nil
		p, err = a.p, a.err
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

// cursorSet remembers the cursors one sweep has followed, to stop a server
// whose cursors cycle (A→B→A) instead of looping forever. It keeps a 64-bit
// hash of each cursor, not the cursor: 8 bytes (plus the map's overhead) per
// page, so about 50 KB for a sweep of 1,000,000 transactions at 500 a page.
// Two different cursors collide with a probability of about 2^-64 per pair.
type cursorSet struct {
	seed maphash.Seed
	seen map[uint64]struct{}
}

func newCursorSet() *cursorSet {
	return &cursorSet{seed: maphash.MakeSeed(), seen: map[uint64]struct{}{}}
}

// add records next, the cursor a page of n results points to, and fails
// when following it would not advance the sweep: a cursor already followed,
// or a page without results that points further.
func (c *cursorSet) add(next string, n int) error {
	if n == 0 {
		return errors.New("a page without results points to a next page; stopping instead of looping")
	}
	h := maphash.String(c.seed, next)
	if _, dup := c.seen[h]; dup {
		return errors.New("next is a cursor already followed in this sweep; stopping instead of looping")
	}
	c.seen[h] = struct{}{}
	return nil
}
