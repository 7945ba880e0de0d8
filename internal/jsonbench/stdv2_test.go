//go:build goexperiment.jsonv2

package jsonbench

import (
	stdjsonv2 "encoding/json/v2"

	"github.com/pluggy-go/pluggy"
)

// Under GOEXPERIMENT=jsonv2 (Go 1.25+), Go's own encoding/json/v2 joins the
// candidates. The client cannot use it: it exists only under the flag.
func init() {
	decoders = append(decoders, decoder{"std-encoding-json-v2", func(b []byte, p *pluggy.CursorPage[pluggy.Transaction]) error {
		return stdjsonv2.Unmarshal(b, p)
	}})
}
