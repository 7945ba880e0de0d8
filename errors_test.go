package pluggy

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseErrorBody(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	e := parseError("GET /items/{id}", 404, h, []byte(`{"code":404,"codeDescription":"ITEM_NOT_FOUND","message":"Item not found","errorId":"e-1","data":{"itemId":"x"}}`), 0)
	assert.Equal(t, 404, e.Code)
	assert.Equal(t, "ITEM_NOT_FOUND", e.CodeDescription)
	assert.JSONEq(t, `{"itemId":"x"}`, string(e.Data))
	assert.Equal(t, "pluggy: GET /items/{id}: 404 ITEM_NOT_FOUND: Item not found [errorId e-1]", e.Error())
	assert.True(t, errors.Is(e, ErrNotFound))
	assert.True(t, errors.Is(fmt.Errorf("wrapped: %w", e), ErrNotFound))
	assert.False(t, errors.Is(e, ErrRateLimited))
}

func TestParseErrorParameterList(t *testing.T) {
	t.Parallel()
	for _, field := range []string{"errors", "details"} {
		body := `{"code":400,"codeDescription":"INVALID_PARAMETERS","message":"Invalid parameters","` + field +
			`":[{"code":"001","message":"user is required","parameter":"user"},{"code":"002","message":"password is too short","parameter":"password"}]}`
		e := parseError("POST /items", 400, nil, []byte(body), 0)
		require.Len(t, e.Errors, 2, field)
		assert.Equal(t, "password", e.Errors[1].Parameter)
		assert.Contains(t, e.Error(), "(user: user is required; password: password is too short)")
	}
}

func TestErrorSentinels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		e    *Error
		is   []error
		isnt []error
	}{
		{&Error{StatusCode: 429}, []error{ErrRateLimited}, []error{ErrNotFound}},
		{&Error{StatusCode: 401}, []error{ErrUnauthorized}, []error{ErrExpiredKey}},
		{&Error{StatusCode: 403}, []error{ErrExpiredKey}, []error{ErrForbidden}},
		{&Error{StatusCode: 403, CodeDescription: "FORBIDDEN"}, []error{ErrForbidden}, []error{ErrExpiredKey}},
		{&Error{StatusCode: 410, CodeDescription: "ENDPOINT_DEPRECATED"}, []error{ErrDeprecated}, nil},
		{&Error{StatusCode: 400, CodeDescription: "ENDPOINT_DEPRECATED"}, []error{ErrDeprecated}, nil},
		{&Error{StatusCode: 409}, []error{ErrConflict}, []error{ErrDeprecated}},
	}
	for _, c := range cases {
		for _, target := range c.is {
			assert.True(t, errors.Is(c.e, target), "%d %s is %v", c.e.StatusCode, c.e.CodeDescription, target)
		}
		for _, target := range c.isnt {
			assert.False(t, errors.Is(c.e, target), "%d %s is not %v", c.e.StatusCode, c.e.CodeDescription, target)
		}
	}
	assert.True(t, errors.Is(&Error{StatusCode: 410}, ErrDeprecated))
	assert.True(t, errors.Is(&Error{StatusCode: 429}, ErrRateLimited))
}

func TestParseErrorOddBodies(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"empty":        ``,
		"array":        `[1,2]`,
		"broken json":  `{"code":`,
		"wrong types":  `{"code":"x","message":5}`,
		"binary":       "\x00\x01\xff\xfe",
		"huge message": `{"code":500,"message":"` + strings.Repeat("a", 100000) + `"}`,
	} {
		assert.NotPanics(t, func() {
			e := parseError("GET /x", 500, nil, []byte(body), 0)
			assert.Equal(t, 500, e.StatusCode, name)
			assert.NotEmpty(t, e.Error(), name)
		}, name)
	}
	e := parseError("GET /x", 503, nil, nil, 2*time.Second)
	assert.Equal(t, "pluggy: GET /x: 503 Service Unavailable", e.Error())
	assert.Equal(t, 2*time.Second, e.RetryAfter)
}

func TestSnippetCutsOnRuneBoundary(t *testing.T) {
	t.Parallel()
	s := snippet([]byte(strings.Repeat("é", 300)))
	assert.True(t, strings.HasSuffix(s, "…"))
	assert.LessOrEqual(t, len(s), 204)
	assert.NotContains(t, s, "\uFFFD")
}

func TestParamError(t *testing.T) {
	t.Parallel()
	err := paramErr("pageSize", "must be between 1 and %d, got %d", 500, 501)
	assert.EqualError(t, err, "pluggy: invalid pageSize: must be between 1 and 500, got 501")
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.NoError(t, checkPage(1, 500))
	assert.Error(t, checkPage(-1, 10))
	assert.Error(t, checkPage(1, 501))
	assert.Error(t, requireID("itemId", " "))
}
