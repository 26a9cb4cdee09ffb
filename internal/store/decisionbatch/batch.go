package decisionbatch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/iamgate/iamgate/internal/store"
)

// MaxLen is the most decisions one stored batch holds; the backends split
// a longer slice. It bounds what a batch straddling the retention floor
// keeps on disk after its older part has been dropped.
const MaxLen = 256

// version is a value's first byte, so that a later encoding can be told
// from this one.
const version = 1

// nFields is how many string fields a decision has (see fieldsOf).
const nFields = 8

// flagAudited marks a decision that audit mode served although denied.
const flagAudited = 1

// fieldsOf lists d's string fields in their stored order.
func fieldsOf(d *store.Decision) [nFields]string {
	return [nFields]string{d.RequestID, d.Principal, d.Caller, d.Action, d.Resource, d.Effect, d.Statement, d.Reason}
}

// Encoder encodes batches, reusing its scratch space between calls. It is
// not safe for concurrent use (the backends call it under their write lock).
type Encoder struct {
	index map[string]uint64 // string → its table number (1, 2, ...; 0 is "")
	strs  []string
	refs  []uint64 // nFields per decision
}

// Encode appends the stored value of ds (at most MaxLen decisions, not
// enforced here) to dst:
//
//	version                      byte (1)
//	strings                      uvarint count, then each: uvarint length, bytes
//	decisions                    uvarint count, then each:
//	  seconds since the previous varint (Unix seconds; the first: since 0)
//	  nanoseconds                uvarint
//	  flags                      byte (1: audited)
//	  fields                     8 uvarints, numbers in the string table (0: "")
//
// Every string is stored once per batch: a field equal to the one before
// it in the same column costs one comparison, the rest a map lookup; the
// request id, unique per request, skips the map.
func (e *Encoder) Encode(dst []byte, ds []store.Decision) []byte {
	if e.index == nil {
		e.index = make(map[string]uint64)
	} else {
		clear(e.index)
	}
	e.strs, e.refs = e.strs[:0], e.refs[:0]
	var prev [nFields]string
	var prevRef [nFields]uint64
	for i := range ds {
		for j, s := range fieldsOf(&ds[i]) {
			var r uint64
			switch {
			case s == "":
			case i > 0 && s == prev[j]:
				r = prevRef[j]
			case j == 0: // the request id: a new one is new to the batch
				e.strs = append(e.strs, s)
				r = uint64(len(e.strs))
			default:
				var ok bool
				if r, ok = e.index[s]; !ok {
					e.strs = append(e.strs, s)
					r = uint64(len(e.strs))
					e.index[s] = r
				}
			}
			prev[j], prevRef[j] = s, r
			e.refs = append(e.refs, r)
		}
	}
	dst = append(dst, version)
	dst = binary.AppendUvarint(dst, uint64(len(e.strs)))
	for _, s := range e.strs {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	dst = binary.AppendUvarint(dst, uint64(len(ds)))
	var prevSec int64
	for i := range ds {
		d := &ds[i]
		sec := d.Time.Unix()
		dst = binary.AppendVarint(dst, sec-prevSec) // wraps for extreme years, and unwraps on decode
		prevSec = sec
		dst = binary.AppendUvarint(dst, uint64(d.Time.Nanosecond()))
		var flags byte
		if d.Audited {
			flags |= flagAudited
		}
		dst = append(dst, flags)
		for _, r := range e.refs[i*nFields : (i+1)*nFields] {
			dst = binary.AppendUvarint(dst, r)
		}
	}
	return dst
}

// MaxUnix is the latest Unix second of ds's times: a backend stores it
// beside the value so that a query with a Since skips older batches
// (t >= since implies t.Unix() >= since.Unix(), Unix rounding down).
func MaxUnix(ds []store.Decision) int64 {
	var m int64
	for i := range ds {
		if s := ds[i].Time.Unix(); i == 0 || s > m {
			m = s
		}
	}
	return m
}

// ErrCorrupt is wrapped by Select's errors about a value it cannot read.
var ErrCorrupt = errors.New("decision batch: corrupt value")

// reader reads a value front to back; the first failure sticks.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrCorrupt, what)
	}
}

func (r *reader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint(what string) int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n uint64, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.fail(what)
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// Select appends to out the decisions of value v, numbered from first,
// that q selects (its Principal and Since; not its Limit) and that are
// numbered floor or later (the older ones are beyond the retention bound),
// stopping once out holds limit decisions (limit <= 0: no limit). Each
// gets its number as Seq and its Time in UTC. A batch whose string table
// lacks q.Principal is skipped after reading the table alone.
func Select(out []store.Decision, v []byte, first, floor int64, q store.DecisionQuery, limit int) ([]store.Decision, error) {
	r := reader{b: v}
	if ver := r.bytes(1, "version"); r.err == nil && ver[0] != version {
		return out, fmt.Errorf("%w: version %d", ErrCorrupt, ver[0])
	}
	nstr := r.uvarint("string count")
	if nstr > uint64(len(r.b)) { // each string takes at least its length byte
		r.fail("string count")
	}
	if r.err != nil {
		return out, r.err
	}
	raw := make([][]byte, nstr+1) // raw[0] is ""
	// isPrincipal marks the table numbers holding q.Principal (nil: any
	// principal). Usually one, but a table may hold a string twice (the
	// request ids skip the encoder's map).
	var isPrincipal []bool
	if q.Principal != "" {
		isPrincipal = make([]bool, nstr+1)
	}
	found := false
	for i := uint64(1); i <= nstr; i++ {
		raw[i] = r.bytes(r.uvarint("string length"), "string")
		if isPrincipal != nil && string(raw[i]) == q.Principal {
			isPrincipal[i], found = true, true
		}
	}
	if r.err != nil {
		return out, r.err
	}
	if isPrincipal != nil && !found {
		return out, nil
	}
	strs := make([]string, nstr+1) // made once per batch, shared by its decisions
	str := func(i uint64) string {
		if i != 0 && strs[i] == "" {
			strs[i] = string(raw[i])
		}
		return strs[i]
	}
	n := r.uvarint("decision count")
	var sec int64
	for i := uint64(0); i < n && r.err == nil; i++ {
		sec += r.varint("seconds")
		nsec := r.uvarint("nanoseconds")
		flags := r.bytes(1, "flags")
		var refs [nFields]uint64
		for j := range refs {
			if refs[j] = r.uvarint("field"); refs[j] > nstr {
				r.fail("field number")
			}
		}
		if r.err != nil {
			break
		}
		if nsec >= 1e9 || flags[0]&^flagAudited != 0 {
			r.fail("time or flags")
			break
		}
		seq := first + int64(i)
		if seq < floor || (isPrincipal != nil && !isPrincipal[refs[1]]) {
			continue
		}
		t := time.Unix(sec, int64(nsec)).UTC()
		if !q.Since.IsZero() && t.Before(q.Since) {
			continue
		}
		out = append(out, store.Decision{Seq: seq, Time: t, RequestID: str(refs[0]), Principal: str(refs[1]),
			Caller: str(refs[2]), Action: str(refs[3]), Resource: str(refs[4]), Effect: str(refs[5]),
			Statement: str(refs[6]), Reason: str(refs[7]), Audited: flags[0]&flagAudited != 0})
		if limit > 0 && len(out) >= limit {
			return out, nil
		}
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail("trailing bytes")
	}
	return out, r.err
}
