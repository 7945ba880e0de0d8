package pluggy

import (
	"bytes"
	"context"
	"errors"
	"net/http"
)

// rawBody takes a 2xx answer's bytes as they came, undecoded (see
// decodeFast), so that the transaction sweep can look for the next cursor
// before it decodes the page.
type rawBody struct{ b []byte }

// sweepTransactions is Transactions.All's loop. It is sweep (pagination.go)
// with one step more: when a page arrives, its next cursor is read first
// (a quick scan that skips the results), and the request for the page
// after it goes out while this page is decoded, so that the server's work
// and the client's decoding overlap even when the loop itself does nothing.
// The bounds are sweep's: at most one request ahead of the page the loop is
// on, at most two pages in memory (the next request goes out early only once
// the loop has finished the page before), results and errors in order, and
// no goroutine outliving the loop.
func (s *TransactionsService) sweepTransactions(ctx context.Context, accountID string, params *TransactionListParams, opts []RequestOption, yield func(Transaction, error) bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type answer struct {
		b   []byte
		err error
	}
	var ahead chan answer
	defer func() {
		if ahead != nil {
			cancel()
			<-ahead
		}
	}()
	launch := func(next string) {
		ch := make(chan answer, 1)
		ahead = ch
		go func() {
			var rb rawBody
			raw, err := nextQuery(next)
			if err == nil {
				err = s.client.callRaw(ctx, routeTransactionsV2, nil, raw, nil, &rb, opts...)
			}
			ch <- answer{rb.b, err}
		}()
	}
	fail := func(err error) { yield(Transaction{}, err) }
	seen := newCursorSet()

	p, err := s.List(ctx, accountID, params, opts...)
	if err != nil {
		fail(err)
		return
	}
	launched := "" // the cursor whose page is on its way, if any
	for {
		var stop error
		next, hasNext := "", p.HasNext()
		if hasNext {
			next = *p.Next
		}
		if hasNext && launched == "" {
			if err := seen.add(next, len(p.Results)); err != nil {
				stop = &DecodeError{Route: routeTransactionsV2, StatusCode: http.StatusOK, Err: err}
				hasNext = false
			}
		}
		for i := range p.Results {
			if !yield(p.Results[i], nil) {
				return
			}
			if i == 0 && hasNext && launched == "" {
				launch(next)
				launched = next
			}
		}
		if stop != nil {
			fail(stop)
			return
		}
		if !hasNext {
			return
		}
		if launched == "" {
			launch(next)
		}
		a := <-ahead
		ahead, launched = nil, ""
		if a.err != nil {
			fail(a.err)
			return
		}
		// The loop is done with p: the request after this page may go out
		// now, while it decodes. A cursor refused here is refused again,
		// the same way, at the top of the loop, after this page's results.
		if early, nonEmpty, ok := scanCursorNext(a.b); ok && early != nil && *early != "" {
			if _, err := nextQuery(*early); err == nil && seen.add(*early, nonEmpty) == nil {
				launch(*early)
				launched = *early
			}
		}
		var q CursorPage[Transaction]
		if err := decodeFast(a.b, &q); err != nil {
			fail(&DecodeError{Route: routeTransactionsV2, StatusCode: http.StatusOK, Err: err})
			return
		}
		if _, err := checkCursorPage(&q); err != nil {
			fail(err)
			return
		}
		if launched != "" && (q.Next == nil || *q.Next != launched) {
			fail(&DecodeError{Route: routeTransactionsV2, StatusCode: http.StatusOK,
				Err: errors.New("next read ahead differs from the decoded page's")})
			return
		}
		p = &q
	}
}

// scanCursorNext reads the next cursor of a GET /v2/transactions answer
// without decoding its results, and whether it has any result (1) or none
// (0). The results are passed over by their strings and brackets alone
// (skipStructure), which is exact on valid JSON: their syntax is checked
// by the decoding that follows, and a page whose decoded next differs from
// the one read here ends the sweep with a *DecodeError. ok is false when
// the answer is not a plain {results, next} object; the sweep then waits
// for the decoded page.
func scanCursorNext(b []byte) (next *string, nonEmpty int, ok bool) {
	var d fastDecoder
	if !d.init(b) {
		return nil, 0, false
	}
	var mask uint64
	ok = d.object(func(key string) bool {
		switch key {
		case "results":
			if !seen(&mask, 0) {
				return false
			}
			if d.null() {
				return true
			}
			if d.peek() != '[' {
				return false
			}
			j := d.i + 1
			for j < len(d.b) && (d.b[j] == ' ' || d.b[j] == '\t' || d.b[j] == '\n' || d.b[j] == '\r') {
				j++
			}
			if j < len(d.b) && d.b[j] != ']' {
				nonEmpty = 1
			}
			end, ok := skipStructure(d.b, d.i)
			d.i = end
			return ok
		case "next":
			if !seen(&mask, 1) {
				return false
			}
			ok := d.strPtr(&next)
			d.flush()
			return ok
		}
		return d.unknown(key, cursorPageFields)
	}) && d.end()
	if !ok {
		return nil, 0, false
	}
	return next, nonEmpty, true
}

// skipStructure passes over the array or object that opens at b[i],
// following only its strings and brackets (a string's closing quote is the
// next '"' after an even run of backslashes, found with bytes.IndexByte),
// and returns the index after its closing bracket. On valid JSON it ends
// where a full parse would; on anything else it may end elsewhere, or
// report false.
func skipStructure(b []byte, i int) (int, bool) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			j := i + 1
			for {
				k := bytes.IndexByte(b[j:], '"')
				if k < 0 {
					return len(b), false
				}
				j += k
				n := 0
				for m := j - 1; m > i && b[m] == '\\'; m-- {
					n++
				}
				if n%2 == 0 {
					break
				}
				j++
			}
			i = j + 1
		case '[', '{':
			depth++
			i++
		case ']', '}':
			depth--
			i++
			if depth <= 0 {
				return i, depth == 0
			}
		default:
			if depth == 0 {
				return i, false // not an array or object
			}
			i++
		}
	}
	return len(b), false
}
