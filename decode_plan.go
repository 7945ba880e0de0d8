package pluggy

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// The plan decoder: the fast decoder's reading (one pass, no validation
// pre-pass, strings copied into arrays shared by the objects of a list,
// pointers from shared blocks) for every other answer type, driven by a plan built once per type from its fields and
// tags, the way encoding/json reads them. A type the plan cannot follow
// exactly as encoding/json would (an embedded struct, a ",string" option, a
// field name encoding/json would not take as it is, more than 64 fields,
// a TextUnmarshaler that is not a json.Unmarshaler, channels and the like)
// gets no plan and goes to encoding/json whole; at run time, anything the
// plan does not handle exactly (see fastDecoder) starts over with
// encoding/json from the zero value, so results and errors stay
// encoding/json's. TestPlanDecoderMatchesEncodingJSON holds it to that on
// every fixture, for every answer type, and on mutations of them.

// planFunc decodes the value at the reader's position into the value of its
// type at p, reporting false on anything it does not handle exactly.
type planFunc func(d *fastDecoder, p unsafe.Pointer) bool

// planEntry is a type's plan; dec is nil for a type without one. Plans of
// types that hold themselves (through a pointer or a slice) call each
// other through their entries.
type planEntry struct{ dec planFunc }

var plans sync.Map // reflect.Type (the pointed-to type of out) → *planEntry

// planOf returns the plan of t, building it on first use.
func planOf(t reflect.Type) planFunc {
	if e, ok := plans.Load(t); ok {
		return e.(*planEntry).dec
	}
	b := planBuilder{building: map[reflect.Type]*planEntry{}}
	dec, ok := b.build(t)
	if !ok {
		dec = nil
	}
	e, _ := plans.LoadOrStore(t, &planEntry{dec: dec})
	return e.(*planEntry).dec
}

// decodePlanned decodes b into out (a non-nil pointer to a zero value) with
// the plan of its type. It reports false when the type has no plan, when
// out is not such a pointer, or when the plan gave up; out is then as it
// was (zero, when the plan gave up).
func decodePlanned(b []byte, out any) bool {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	ev := rv.Elem()
	if k := ev.Kind(); k != reflect.Struct && k != reflect.Slice {
		return false // maps, interfaces, ...: encoding/json directly
	}
	dec := planOf(ev.Type())
	if dec == nil || !ev.IsZero() {
		// A value already holding data is merged into by encoding/json
		// (slices reused, maps added to): left to it.
		return false
	}
	var d fastDecoder
	d.b = b
	d.ws()
	if dec(&d, rv.UnsafePointer()) && d.end() {
		d.flush()
		return true
	}
	ev.SetZero()
	return false
}

type planBuilder struct {
	building map[reflect.Type]*planEntry
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	decimalType         = reflect.TypeFor[Decimal]()
	timeType            = reflect.TypeFor[time.Time]()
	jsonNumberType      = reflect.TypeFor[json.Number]()

	transactionType        = reflect.TypeFor[Transaction]()
	paymentRequestType     = reflect.TypeFor[PaymentRequest]()
	paymentRequestJSONType = reflect.TypeFor[paymentRequestJSON]()
	scheduleType           = reflect.TypeFor[Schedule]()
)

// build returns the plan of a value of type t.
func (b *planBuilder) build(t reflect.Type) (planFunc, bool) {
	if e, ok := plans.Load(t); ok {
		dec := e.(*planEntry).dec
		return dec, dec != nil
	}
	if e, ok := b.building[t]; ok {
		// t holds itself: call its plan through the entry, filled when
		// the outer build of t returns. The input decides how deep that
		// goes: bounded as skip is.
		return func(d *fastDecoder, p unsafe.Pointer) bool {
			if d.depth++; d.depth > maxSkipDepth {
				return false
			}
			ok := e.dec(d, p)
			d.depth--
			return ok
		}, true
	}
	e := &planEntry{}
	b.building[t] = e
	dec, ok := b.buildType(t)
	if ok {
		e.dec = dec
	}
	return dec, ok
}

func (b *planBuilder) buildType(t reflect.Type) (planFunc, bool) {
	switch {
	case t.Kind() == reflect.Pointer:
		// A pointer's plan is its element's, behind a nil check.
		return b.pointerPlan(t)
	case t == decimalType:
		return func(d *fastDecoder, p unsafe.Pointer) bool { return d.decimal((*Decimal)(p)) }, true
	case t == timeType:
		return func(d *fastDecoder, p unsafe.Pointer) bool { return d.timestamp((*time.Time)(p)) }, true
	case t == transactionType:
		// The hand-written decoder (decode_fast.go), for v1 pages too.
		return func(d *fastDecoder, p unsafe.Pointer) bool {
			return d.null() || d.transaction((*Transaction)(p))
		}, true
	case t == paymentRequestType:
		// What PaymentRequest.UnmarshalJSON does, without its second pass.
		return b.build(paymentRequestJSONType)
	case t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(jsonUnmarshalerType):
		// encoding/json hands such a value its token, null included.
		return func(d *fastDecoder, p unsafe.Pointer) bool {
			start := d.i
			if !d.skip(0) {
				return false
			}
			u := reflect.NewAt(t, p).Interface().(json.Unmarshaler)
			return u.UnmarshalJSON(d.b[start:d.i]) == nil
		}, true
	case t.Implements(jsonUnmarshalerType), reflect.PointerTo(t).Implements(textUnmarshalerType),
		t == jsonNumberType: // a string kind that takes number literals and checks quoted ones
		return nil, false
	}
	switch t.Kind() {
	case reflect.String:
		return func(d *fastDecoder, p unsafe.Pointer) bool {
			if d.peek() != '"' {
				return d.null()
			}
			return d.str((*string)(p))
		}, true
	case reflect.Bool:
		return func(d *fastDecoder, p unsafe.Pointer) bool {
			switch {
			case d.literal("true"):
				*(*bool)(p) = true
			case d.literal("false"):
				*(*bool)(p) = false
			default:
				return d.null()
			}
			return true
		}, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return numberPlan(t), true
	case reflect.Struct:
		return b.structPlan(t)
	case reflect.Slice:
		return b.slicePlan(t)
	case reflect.Map, reflect.Interface, reflect.Array:
		// encoding/json itself, on the value alone.
		return func(d *fastDecoder, p unsafe.Pointer) bool {
			start := d.i
			if !d.skip(0) {
				return false
			}
			return json.Unmarshal(d.b[start:d.i], reflect.NewAt(t, p).Interface()) == nil
		}, true
	}
	return nil, false
}

// numberPlan reads a number into an integer or float of t's kind as
// encoding/json does (strconv on the token, overflow refused); null leaves
// the value as it is.
func numberPlan(t reflect.Type) planFunc {
	kind, bits := t.Kind(), t.Bits()
	return func(d *fastDecoder, p unsafe.Pointer) bool {
		if d.null() {
			return true
		}
		start := d.i
		if c := d.peek(); c != '-' && (c < '0' || c > '9') || !d.number() {
			return false
		}
		tok := unsafeKey(d.b[start:d.i])
		switch kind {
		case reflect.Float32, reflect.Float64:
			f, err := strconv.ParseFloat(tok, bits)
			if err != nil {
				return false
			}
			if kind == reflect.Float32 {
				*(*float32)(p) = float32(f)
			} else {
				*(*float64)(p) = f
			}
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			u, err := strconv.ParseUint(tok, 10, bits)
			if err != nil {
				return false
			}
			switch kind {
			case reflect.Uint8:
				*(*uint8)(p) = uint8(u)
			case reflect.Uint16:
				*(*uint16)(p) = uint16(u)
			case reflect.Uint32:
				*(*uint32)(p) = uint32(u)
			case reflect.Uint64:
				*(*uint64)(p) = u
			default:
				*(*uint)(p) = uint(u)
			}
		default:
			n, err := strconv.ParseInt(tok, 10, bits)
			if err != nil {
				return false
			}
			switch kind {
			case reflect.Int8:
				*(*int8)(p) = int8(n)
			case reflect.Int16:
				*(*int16)(p) = int16(n)
			case reflect.Int32:
				*(*int32)(p) = int32(n)
			case reflect.Int64:
				*(*int64)(p) = n
			default:
				*(*int)(p) = int(n)
			}
		}
		return true
	}
}

// pointerPlan: null sets nil; anything else decodes into a new value (a
// *string, *int, *time.Time, *Decimal, *bool or *float64 from the
// decoder's shared blocks).
func (b *planBuilder) pointerPlan(t reflect.Type) (planFunc, bool) {
	elem := t.Elem()
	if elem.Kind() == reflect.Pointer {
		return nil, false
	}
	switch elem {
	case reflect.TypeFor[string]():
		return func(d *fastDecoder, p unsafe.Pointer) bool { return d.strPtr((**string)(p)) }, true
	case reflect.TypeFor[int]():
		return func(d *fastDecoder, p unsafe.Pointer) bool { return d.intPtr((**int)(p)) }, true
	case timeType:
		return blockPointer(blockTimes, func(d *fastDecoder) *[]time.Time { return &d.times }, (*fastDecoder).timestamp), true
	case decimalType:
		return blockPointer(blockDecs, func(d *fastDecoder) *[]Decimal { return &d.decs }, (*fastDecoder).decimal), true
	}
	dec, ok := b.build(elem)
	if !ok {
		return nil, false
	}
	switch elem {
	case reflect.TypeFor[bool]():
		return blockPointer(blockBools, func(d *fastDecoder) *[]bool { return &d.bools },
			func(d *fastDecoder, v *bool) bool { return dec(d, unsafe.Pointer(v)) }), true
	case reflect.TypeFor[float64]():
		return blockPointer(blockFloats, func(d *fastDecoder) *[]float64 { return &d.floats },
			func(d *fastDecoder, v *float64) bool { return dec(d, unsafe.Pointer(v)) }), true
	}
	return func(d *fastDecoder, p unsafe.Pointer) bool {
		if d.null() {
			*(*unsafe.Pointer)(p) = nil
			return true
		}
		q := *(*unsafe.Pointer)(p)
		if q == nil {
			q = reflect.New(elem).UnsafePointer()
			*(*unsafe.Pointer)(p) = q
		}
		return dec(d, q)
	}, true
}

// blockPointer is the plan of a *T whose values come from blocks of the
// decoder (block), as *string's do: null sets nil, anything else decodes
// into the next value of the block.
func blockPointer[T any](kind int, block func(*fastDecoder) *[]T, dec func(*fastDecoder, *T) bool) planFunc {
	return func(d *fastDecoder, p unsafe.Pointer) bool {
		dst := (**T)(p)
		if d.null() {
			*dst = nil
			return true
		}
		blk := block(d)
		if len(*blk) == 0 {
			*blk = make([]T, d.nextBlock(kind, 64))
		}
		v := &(*blk)[0]
		*blk = (*blk)[1:]
		*dst = v
		return dec(d, v)
	}
}

// planField is one field of a struct plan.
type planField struct {
	offset uintptr
	dec    planFunc
}

// structPlan reads an object into a struct: exact keys to their fields, a
// repeated key or one that matches a field only case-insensitively to
// encoding/json, unknown keys skipped; null leaves the struct as it is.
func (b *planBuilder) structPlan(t reflect.Type) (planFunc, bool) {
	var fields []planField
	var names []string
	index := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			return nil, false // promoted fields: left to encoding/json
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",string,") {
			return nil, false
		}
		if name == "" {
			name = f.Name
		}
		if !plainName(name) {
			return nil, false
		}
		if _, dup := index[name]; dup {
			return nil, false // encoding/json drops both
		}
		var dec planFunc
		ok := true
		if t == paymentRequestJSONType && f.Type == scheduleType {
			dec = schedulePlan // the one interface field with a plan of its own
		} else {
			dec, ok = b.build(f.Type)
		}
		if !ok {
			return nil, false
		}
		index[name] = len(fields)
		fields = append(fields, planField{offset: f.Offset, dec: dec})
		names = append(names, name)
	}
	if len(fields) > 64 {
		return nil, false
	}
	return func(d *fastDecoder, p unsafe.Pointer) bool {
		if d.null() {
			return true
		}
		var mask uint64
		return d.object(func(key string) bool {
			if i, ok := index[key]; ok {
				f := &fields[i]
				return seen(&mask, uint(i)) && f.dec(d, unsafe.Add(p, f.offset))
			}
			return d.unknown(key, names)
		})
	}, true
}

// plainName reports whether a JSON field name is one encoding/json takes as
// written and the fast decoder can match: ASCII letters, digits, '_' and
// '-'.
func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return s != ""
}

// slicePlan reads an array into a new slice (an empty array gives an empty,
// non-nil slice, null gives nil, as with encoding/json). The strings of
// each element that is an object are handed out together when it ends.
func (b *planBuilder) slicePlan(t reflect.Type) (planFunc, bool) {
	elem := t.Elem()
	if elem.Kind() == reflect.Uint8 {
		return nil, false // []byte is base64 to encoding/json
	}
	dec, ok := b.build(elem)
	if !ok {
		return nil, false
	}
	objects := elem.Kind() == reflect.Struct || elem.Kind() == reflect.Pointer && elem.Elem().Kind() == reflect.Struct
	size := elem.Size()
	return func(d *fastDecoder, p unsafe.Pointer) bool {
		if d.null() {
			reflect.NewAt(t, p).Elem().SetZero()
			return true
		}
		if d.peek() != '[' {
			return false
		}
		d.i++
		d.ws()
		sv := reflect.NewAt(t, p).Elem()
		if !sv.IsNil() {
			return false // decodePlanned starts from zero values only
		}
		if d.peek() == ']' {
			d.i++
			sv.Set(reflect.MakeSlice(t, 0, 0))
			return true
		}
		for n := 0; ; n++ {
			if n == sv.Cap() {
				// The pending strings point into the old array: hand
				// them out before it is copied.
				d.flush()
				grown := reflect.MakeSlice(t, n, max(4, 2*n))
				reflect.Copy(grown, sv)
				sv.Set(grown)
			}
			sv.SetLen(n + 1)
			ep := unsafe.Add(sv.UnsafePointer(), uintptr(n)*size)
			if !dec(d, ep) {
				return false
			}
			if objects {
				d.flush()
			}
			if more, ok := d.arrayNext(); !ok || !more {
				return ok
			}
		}
	}, true
}

// schedulePlan reads a payment request's schedule as
// PaymentRequest.UnmarshalJSON does (decodeSchedule on its token).
func schedulePlan(d *fastDecoder, p unsafe.Pointer) bool {
	start := d.i
	if !d.skip(0) {
		return false
	}
	s, err := decodeSchedule(d.b[start:d.i])
	if err != nil {
		return false
	}
	*(*Schedule)(p) = s
	return true
}
