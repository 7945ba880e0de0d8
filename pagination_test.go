package pluggy

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pager serves pages of 2 results out of total, counting fetches.
type pager struct {
	total   int
	fetched []int
	failAt  int
}

func (p *pager) fetch(_ context.Context, page int) (*Page[int], error) {
	p.fetched = append(p.fetched, page)
	if page == p.failAt {
		return nil, errors.New("boom")
	}
	pages := (p.total + 1) / 2
	var res []int
	for i := (page - 1) * 2; i < min(page*2, p.total); i++ {
		res = append(res, i)
	}
	return &Page[int]{Page: page, Total: p.total, TotalPages: pages, Results: res}, nil
}

func TestAllPagesWalksLazily(t *testing.T) {
	t.Parallel()
	p := &pager{total: 7}
	var got []int
	for v, err := range allPages(context.Background(), "GET /things", 1, p.fetch) {
		require.NoError(t, err)
		got = append(got, v)
	}
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6}, got)
	assert.Equal(t, []int{1, 2, 3, 4}, p.fetched)

	p = &pager{total: 7}
	for v := range allPages(context.Background(), "GET /things", 1, p.fetch) {
		if v == 2 {
			break
		}
	}
	assert.Equal(t, []int{1, 2}, p.fetched, "breaking out fetches no further page")

	p = &pager{total: 7, failAt: 2}
	var errs int
	got = nil
	for v, err := range allPages(context.Background(), "GET /things", 0, p.fetch) {
		if err != nil {
			errs++
			continue
		}
		got = append(got, v)
	}
	assert.Equal(t, 1, errs, "the error is yielded once and ends the walk")
	assert.Equal(t, []int{0, 1}, got)

	p = &pager{total: 0}
	for range allPages(context.Background(), "GET /things", 1, p.fetch) {
		t.Fatal("an empty list yields nothing")
	}
	assert.Equal(t, []int{1}, p.fetched)
	assert.False(t, (&Page[int]{Page: 2, TotalPages: 2}).HasNext())
	assert.True(t, (&Page[int]{Page: 1, TotalPages: 2}).HasNext())
}
