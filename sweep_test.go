package pluggy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// txPage is a GET /v2/transactions answer holding the given ids, pointing to
// next ("" for the last page).
func txPage(next string, ids ...string) []byte {
	var b strings.Builder
	b.WriteString(`{"results":[`)
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%q,"description":"Pix","currencyCode":"BRL","amount":1.5,"date":"2026-11-01T00:00:00.000Z","accountId":%q,"createdAt":"2026-11-01T00:00:00.000Z","updatedAt":"2026-11-01T00:00:00.000Z"}`, id, testAccountID)
	}
	b.WriteString(`],"next":`)
	if next == "" {
		b.WriteString("null}")
	} else {
		fmt.Fprintf(&b, `"?accountId=%s&after=%s"}`, testAccountID, next)
	}
	return []byte(b.String())
}

// cyclingCursors answers GET /v2/transactions by the after parameter: the
// first page points to A, A to B, B back to A, each page with fresh ids, so
// that only remembering every cursor followed can tell the loop.
func cyclingCursors(t *testing.T) func(*http.Request) (*http.Response, error) {
	var mu sync.Mutex
	n := 0
	return func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		n++
		id := fmt.Sprintf("tx-%d", n)
		mu.Unlock()
		next := map[string]string{"": "QQ==", "QQ==": "Qg==", "Qg==": "QQ=="}[r.URL.Query().Get("after")]
		return jsonResponder(t, 200, txPage(next, id))(r)
	}
}

func TestTransactionsAllStopsOnACursorCycle(t *testing.T) {
	c, mock := newTestClient(t)
	rec := on(mock, http.MethodGet, "/v2/transactions", cyclingCursors(t))
	txs, errs := collectAtMost(t, c.Transactions.All(context.Background(), testAccountID, nil), 100, "the cycle A→B→A was followed")
	require.Len(t, errs, 1, "the cycle ends the loop with one error")
	var de *DecodeError
	require.ErrorAs(t, errs[0], &de)
	assert.Contains(t, de.Error(), "already followed")
	assert.Equal(t, routeTransactionsV2, de.Route)
	assert.Equal(t, []string{"tx-1", "tx-2", "tx-3"}, ids(txs), "the first page, A and B, then the stop before A again")
	assert.Equal(t, 3, rec.n())
}

func TestTransactionsAllStopsOnAnEmptyPageThatPointsFurther(t *testing.T) {
	c, mock := newTestClient(t)
	var mu sync.Mutex
	n := 0
	rec := on(mock, http.MethodGet, "/v2/transactions", func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		n++
		next := fmt.Sprintf("Y3Vyc29y%d", n) // a fresh cursor every time, never a result
		if n > 100 {
			next = "" // end it here, so that a looping iterator fails instead of hanging
		}
		mu.Unlock()
		return jsonResponder(t, 200, txPage(next))(r)
	})
	var errs []error
	for _, err := range c.Transactions.All(context.Background(), testAccountID, nil) {
		require.Error(t, err, "no page has results")
		errs = append(errs, err)
		if len(errs) > 1 {
			break
		}
	}
	require.Len(t, errs, 1)
	var de *DecodeError
	require.ErrorAs(t, errs[0], &de)
	assert.Contains(t, de.Error(), "without results")
	assert.Equal(t, 1, rec.n())
}

// stuckPager answers "page 1 of 2" to every page asked for.
type stuckPager struct {
	mu      sync.Mutex
	fetched []int
}

func (p *stuckPager) fetch(_ context.Context, page int) (*Page[int], error) {
	p.mu.Lock()
	p.fetched = append(p.fetched, page)
	p.mu.Unlock()
	return &Page[int]{Page: 1, Total: 4, TotalPages: 2, Results: []int{1, 2}}, nil
}

func TestAllPagesStopsOnAPageThatDoesNotAdvance(t *testing.T) {
	p := &stuckPager{}
	got, errs := collectAtMost(t, allPages(context.Background(), "GET /things", 1, p.fetch), 100, "page 1 of 2 was followed")
	require.Len(t, errs, 1)
	var de *DecodeError
	require.ErrorAs(t, errs[0], &de)
	assert.Contains(t, de.Error(), "asked for page 2, the server answered page 1 of 2")
	assert.Equal(t, "GET /things", de.Route)
	assert.Equal(t, []int{1, 2, 1, 2}, got, "page 1, then what came for page 2, then the stop")
	assert.Equal(t, []int{1, 2}, p.fetched)
}

func TestAllPagesThroughTheClientStopsOnAStuckPage(t *testing.T) {
	c, mock := newTestClient(t)
	body := []byte(`{"page":1,"total":4,"totalPages":2,"results":[{"id":"c1"},{"id":"c2"}]}`)
	rec := onRoute(t, mock, http.MethodGet, "/consents", 200, body)
	got, errs := collectAtMost(t, c.Consents.All(context.Background(), testItemIDForSweep), 100, "page 1 of 2 was followed")
	require.Len(t, errs, 1)
	var de *DecodeError
	require.ErrorAs(t, errs[0], &de)
	assert.Equal(t, "GET /consents", de.Route, "the error names the list's route")
	assert.Len(t, got, 4)
	assert.Equal(t, 2, rec.n())
}

const testItemIDForSweep = "8b1c6d2e-4f3a-4e5b-9c7d-0a1b2c3d4e5f"

// gatedPages answers GET /v2/transactions with pages of 3 (5 pages, 15
// transactions), telling on asked which after each request arrived, and
// holding page answers until release is closed when release is not nil.
type gatedPages struct {
	t         *testing.T
	asked     chan string
	release   chan struct{}
	cancelled atomic.Bool // a held request saw its context end
}

// next receives the after of the next request, failing after a bound.
func (g *gatedPages) next(t *testing.T) string {
	t.Helper()
	select {
	case after := <-g.asked:
		return after
	case <-time.After(30 * time.Second):
		t.Fatal("no request came")
		return ""
	}
}

func (g *gatedPages) respond(r *http.Request) (*http.Response, error) {
	after := r.URL.Query().Get("after")
	g.asked <- after
	if g.release != nil && after != "" {
		select {
		case <-g.release:
		case <-r.Context().Done():
			g.cancelled.Store(true)
			return nil, r.Context().Err()
		}
	}
	page := 0
	if after != "" {
		fmt.Sscanf(after, "p%d", &page)
	}
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, fmt.Sprintf("tx-%d", page*3+i))
	}
	next := ""
	if page < 4 {
		next = fmt.Sprintf("p%d", page+1)
	}
	return jsonResponder(g.t, 200, txPage(next, ids...))(r)
}

func TestTransactionsAllRequestsTheNextPageWhileTheLoopWorks(t *testing.T) {
	c, mock := newTestClient(t)
	g := &gatedPages{t: t, asked: make(chan string, 16)}
	on(mock, http.MethodGet, "/v2/transactions", g.respond)
	var got []string
	for tx, err := range c.Transactions.All(context.Background(), testAccountID, nil) {
		require.NoError(t, err)
		got = append(got, tx.ID)
		if len(got) == 2 {
			assert.Equal(t, "", <-g.asked, "the first page")
			// Once the loop has taken the first transaction of page 1, page
			// 2 is on its way: the loop does not have to finish page 1 first.
			select {
			case after := <-g.asked:
				assert.Equal(t, "p1", after)
			case <-time.After(30 * time.Second):
				t.Fatal("page 2 was not requested while the loop consumed page 1")
			}
			// At most one request ahead: page 3 waits for the loop to reach page 2.
			select {
			case after := <-g.asked:
				t.Fatalf("page %q was requested two pages ahead", after)
			default:
			}
		}
	}
	require.Len(t, got, 15)
	for i, id := range got {
		assert.Equal(t, fmt.Sprintf("tx-%d", i), id, "in order")
	}
}

// goroutines waits (boundedly) for the number of goroutines to come back to
// at most want, and returns what it saw.
func goroutines(want int) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 500 && n > want; i++ {
		time.Sleep(10 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

// syncTransport answers with h in the caller's goroutine (httpmock runs a
// responder apart and returns early when the request's context ends, which
// would hide whether the iterator waited for its request ahead).
type syncTransport struct {
	mu sync.Mutex
	h  func(*http.Request) (*http.Response, error)
}

func (s *syncTransport) set(h func(*http.Request) (*http.Response, error)) {
	s.mu.Lock()
	s.h = h
	s.mu.Unlock()
}

func (s *syncTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	h := s.h
	s.mu.Unlock()
	resp, err := h(r)
	if resp != nil {
		resp.Request = r
	}
	return resp, err
}

func TestTransactionsAllLeavesNoGoroutineBehind(t *testing.T) {
	tr := &syncTransport{}
	c, err := NewClient("", "", WithAPIKey("test-key"), WithBaseURL(testBase), WithHTTPClient(&http.Client{Transport: tr}),
		WithLimiter(NoLimit), WithRetryWait(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	// Warm up whatever the client starts once.
	g0 := &gatedPages{t: t, asked: make(chan string, 16)}
	tr.set(g0.respond)
	_, errs := collect(c.Transactions.All(context.Background(), testAccountID, nil))
	require.Empty(t, errs)

	t.Run("break while the request ahead is held by the server", func(t *testing.T) {
		before := runtime.NumGoroutine()
		g := &gatedPages{t: t, asked: make(chan string, 16), release: make(chan struct{})}
		tr.set(g.respond)
		n := 0
		for _, err := range c.Transactions.All(context.Background(), testAccountID, nil) {
			require.NoError(t, err)
			n++
			if n == 2 {
				g.next(t) // page 1
				g.next(t) // page 2, now held
				break
			}
		}
		// The loop has returned: the request ahead was cancelled and waited for.
		assert.True(t, g.cancelled.Load(), "the request ahead ended before the loop returned")
		assert.LessOrEqual(t, goroutines(before), before, "no goroutine left after a break")
	})

	t.Run("ctx ends while the loop waits for the next page", func(t *testing.T) {
		before := runtime.NumGoroutine()
		g := &gatedPages{t: t, asked: make(chan string, 16), release: make(chan struct{})}
		tr.set(g.respond)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		n := 0
		var errs []error
		for _, err := range c.Transactions.All(ctx, testAccountID, nil) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			n++
			if n == 3 {
				g.next(t)
				g.next(t) // page 2 is held by the server
				cancel()
			}
		}
		assert.Equal(t, 3, n)
		require.Len(t, errs, 1)
		assert.True(t, errors.Is(errs[0], context.Canceled), "%v", errs[0])
		assert.LessOrEqual(t, goroutines(before), before, "no goroutine left after ctx ended")
	})

	t.Run("an error on a page ends everything", func(t *testing.T) {
		before := runtime.NumGoroutine()
		p := &pager{total: 9, failAt: 3}
		_, errs := collect(allPages(context.Background(), "GET /things", 1, p.fetch))
		require.Len(t, errs, 1)
		assert.Equal(t, []int{1, 2, 3}, p.fetched)
		assert.LessOrEqual(t, goroutines(before), before)
	})
}

func TestAllPagesDeliversResultsAndErrorsInOrder(t *testing.T) {
	p := &pager{total: 9, failAt: 4}
	var got []string
	for v, err := range allPages(context.Background(), "GET /things", 1, p.fetch) {
		if err != nil {
			got = append(got, "error")
			continue
		}
		got = append(got, fmt.Sprint(v))
	}
	assert.Equal(t, []string{"0", "1", "2", "3", "4", "5", "error"}, got,
		"page 4's error comes after every result of page 3, although it was fetched while page 3 was consumed")
}

func TestTransactionsAllRequestsAheadWhileThePageDecodes(t *testing.T) {
	tr := &syncTransport{}
	c, err := NewClient("", "", WithAPIKey("test-key"), WithBaseURL(testBase), WithHTTPClient(&http.Client{Transport: tr}),
		WithLimiter(NoLimit))
	require.NoError(t, err)
	g := &gatedPages{t: t, asked: make(chan string, 16)}
	tr.set(g.respond)
	var got []string
	for tx, err := range c.Transactions.All(context.Background(), testAccountID, nil) {
		require.NoError(t, err)
		got = append(got, tx.ID)
		switch len(got) {
		case 1:
			assert.Equal(t, "", g.next(t))
		case 2:
			assert.Equal(t, "p1", g.next(t))
		case 4:
			// The loop had finished page 1 when page 2 arrived: page 3 went
			// out before page 2 was decoded, so it is on its way while the
			// loop holds page 2's first transaction.
			assert.Equal(t, "p2", g.next(t))
		}
	}
	assert.Len(t, got, 15)
}

func TestTransactionsAllBadPageAfterAReadAheadEndsCleanly(t *testing.T) {
	tr := &syncTransport{}
	c, err := NewClient("", "", WithAPIKey("test-key"), WithBaseURL(testBase), WithHTTPClient(&http.Client{Transport: tr}),
		WithLimiter(NoLimit))
	require.NoError(t, err)
	var mu sync.Mutex
	var asked []string
	tr.set(func(r *http.Request) (*http.Response, error) {
		after := r.URL.Query().Get("after")
		mu.Lock()
		asked = append(asked, after)
		mu.Unlock()
		switch after {
		case "":
			return jsonResponder(t, 200, txPage("QQ==", "tx-1"))(r)
		case "QQ==":
			// Its next reads fine, its results do not decode.
			return jsonResponder(t, 200, []byte(`{"results":[{"id":17}],"next":"?accountId=`+testAccountID+`&after=Qg=="}`))(r)
		}
		return jsonResponder(t, 200, txPage("", "tx-3"))(r)
	})
	before := runtime.NumGoroutine()
	txs, errs := collect(c.Transactions.All(context.Background(), testAccountID, nil))
	assert.Equal(t, []string{"tx-1"}, ids(txs))
	require.Len(t, errs, 1)
	var de *DecodeError
	require.ErrorAs(t, errs[0], &de)
	assert.Equal(t, routeTransactionsV2, de.Route)
	assert.LessOrEqual(t, goroutines(before), before, "the request read ahead was cancelled and waited for")
	mu.Lock()
	defer mu.Unlock()
	assert.LessOrEqual(t, len(asked), 3, "at most one request ahead of the bad page")
}

// skipMatches checks skipStructure against the validating skip: wherever
// b holds a valid array or object at its start, both end at the same
// place.
func skipMatches(t *testing.T, b []byte) {
	t.Helper()
	d := fastDecoder{b: b}
	d.ws()
	start := d.i
	if start >= len(b) || b[start] != '[' && b[start] != '{' || !d.skip(0) {
		return
	}
	end, ok := skipStructure(b, start)
	if !ok || end != d.i {
		t.Errorf("skipStructure ends at %d (ok %v), the parse at %d\ninput: %.300q", end, ok, d.i, b)
	}
}

func TestSkipStructure(t *testing.T) {
	t.Parallel()
	inputs := [][]byte{benchPage(t)}
	for _, b := range fixtures(t) {
		inputs = append(inputs, b)
	}
	for _, c := range append(fastDecoderCases, planCases...) {
		inputs = append(inputs, []byte(c))
	}
	for _, c := range []string{`["\\"]`, `["\\\\"]`, `["a\"]\"b"]`, `[{"k":"}"}]`, `["\\\"", "]"]`, `[[[]]]`, `{"a":[{"b":{}}]}`} {
		inputs = append(inputs, []byte(c))
	}
	for _, b := range inputs {
		skipMatches(t, b)
	}
	// Results that are valid JSON are skipped where they end, so that the
	// read-ahead cursor is the page's own.
	next, nonEmpty, ok := scanCursorNext(benchPage(t))
	require.True(t, ok)
	assert.Equal(t, 1, nonEmpty)
	require.NotNil(t, next)
	assert.Contains(t, *next, "after=")
	// Not an array or object, or one left open: refused.
	for _, c := range []string{`x`, `[`, `["a"`, `{"a":"b`, `]`} {
		_, ok := skipStructure([]byte(c), 0)
		assert.False(t, ok, "%q", c)
	}
}

func FuzzSkipStructure(f *testing.F) {
	for _, c := range append(fastDecoderCases, planCases...) {
		f.Add([]byte(c))
	}
	f.Add([]byte(`["\\\"", "]"]`))
	f.Fuzz(func(t *testing.T, b []byte) { skipMatches(t, b) })
}

// The spec leaves page (and totalPages) out of the required fields of most
// page-numbered answers (GET /investments, /payments/customers, ...): an
// answer that does not say which page it is is taken as the page asked
// for, not as a page that does not advance.
func TestAllPagesAnswersWithoutPage(t *testing.T) {
	t.Run("totalPages only", func(t *testing.T) {
		var fetched []int
		fetch := func(_ context.Context, page int) (*Page[int], error) {
			fetched = append(fetched, page)
			return &Page[int]{Total: 4, TotalPages: 2, Results: []int{10*page + 1, 10*page + 2}}, nil
		}
		got, errs := collectAtMost(t, allPages(context.Background(), "GET /things", 1, fetch), 100, "pages past totalPages were followed")
		assert.Empty(t, errs)
		assert.Equal(t, []int{11, 12, 21, 22}, got)
		assert.Equal(t, []int{1, 2}, fetched, "no page past totalPages")
	})
	t.Run("results only", func(t *testing.T) {
		var fetched []int
		fetch := func(_ context.Context, page int) (*Page[int], error) {
			fetched = append(fetched, page)
			return &Page[int]{Results: []int{page}}, nil
		}
		got, errs := collectAtMost(t, allPages(context.Background(), "GET /things", 1, fetch), 100, "an answer without totalPages was followed")
		assert.Empty(t, errs)
		assert.Equal(t, []int{1}, got)
		assert.Equal(t, []int{1}, fetched)
	})
	t.Run("through the client", func(t *testing.T) {
		c, mock := newTestClient(t)
		rec := on(mock, http.MethodGet, "/investments", func(r *http.Request) (*http.Response, error) {
			id := "inv-" + r.URL.Query().Get("page")
			return jsonResponder(t, 200, []byte(`{"total":2,"totalPages":2,"results":[{"id":"`+id+`"}]}`))(r)
		})
		got, errs := collectAtMost(t, c.Investments.All(context.Background(), testItemIDForSweep, nil), 100, "pages past totalPages were followed")
		assert.Empty(t, errs)
		require.Len(t, got, 2)
		assert.Equal(t, "inv-1", got[0].ID)
		assert.Equal(t, "inv-2", got[1].ID)
		assert.Equal(t, 2, rec.n())
	})
}
