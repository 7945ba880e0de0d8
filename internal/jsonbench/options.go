package jsonbench

import (
	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// jsonv1Options make go-json-experiment decode with encoding/json's
// semantics (case-insensitive names, duplicate keys, invalid UTF-8).
var jsonv1Options = []jsonv2.Options{jsonv1.DefaultOptionsV1()}
