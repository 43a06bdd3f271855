// Bandwidth: every message has a size in bytes from a cost model, and the
// ring counts the bytes its nodes send, by kind, and separately those of
// user lookups (the rest is maintenance: stabilization, fingers, joins,
// failure detection, PNS). The default model is Li et al.'s (INFOCOM 2005,
// §4): 20 bytes of headers per message plus 4 bytes per node identifier or
// address carried.

package chord

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/chordsim/chordsim/sim"
)

// Costs is the message-size model: the costs section of an experiment
// config.
type Costs struct {
	Header int    `yaml:"header_bytes" doc:"bytes every message costs (headers; Li et al. 2005: 20)" unit:"bytes"`
	PerID  int    `yaml:"id_bytes" doc:"bytes per identifier or address a message carries: a key is one, a node (identifier and address) two (Li et al. 2005: 4)" unit:"bytes"`
	Kinds  string `yaml:"kinds" doc:"fixed sizes for some message kinds, overriding the model: kind=bytes, comma-separated (e.g. ping=40,pong=40); kinds as in the messages_ columns" unit:"list"`
}

// DefaultCosts is Li et al.'s model: 20 bytes a message, 4 per identifier
// or address.
func DefaultCosts() Costs { return Costs{Header: 20, PerID: 4} }

// maxMessageBytes bounds a configured size: no message of the protocol is
// near a megabyte.
const maxMessageBytes = 1 << 20

// sizes returns the fixed size per kind that Kinds sets (0: the model's).
func (c Costs) sizes() ([numMsgKinds]int32, error) {
	var out [numMsgKinds]int32
	var errs []error
	if strings.TrimSpace(c.Kinds) == "" {
		return out, nil
	}
	for _, item := range strings.Split(c.Kinds, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		k := -1
		for i, n := range msgNames {
			if n == strings.TrimSpace(name) {
				k = i
			}
		}
		if !ok || k < 0 {
			errs = append(errs, fmt.Errorf("kinds: %q is not kind=bytes with a kind among %s", item, strings.Join(msgNames[:], ", ")))
			continue
		}
		b, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || b < 1 || b > maxMessageBytes {
			errs = append(errs, fmt.Errorf("kinds: %s=%s is not a whole number of bytes in 1..%d", name, val, maxMessageBytes))
			continue
		}
		out[k] = int32(b)
	}
	return out, errors.Join(errs...)
}

// Validate lists every problem with c as "key: problem; fix".
func (c Costs) Validate() error {
	var errs []error
	if c.Header < 0 || c.Header > maxMessageBytes {
		errs = append(errs, fmt.Errorf("header_bytes: %d is outside 0..%d", c.Header, maxMessageBytes))
	}
	if c.PerID < 0 || c.PerID > 1<<10 {
		errs = append(errs, fmt.Errorf("id_bytes: %d is outside 0..1024", c.PerID))
	}
	if _, err := c.sizes(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// messageItems is how many identifiers and addresses a message carries: a
// key counts one (the kinds that route on it), a node two (its identifier
// and its address), and a list two per node. A find_successor_reply's
// fallback list, when lookups retry, is a fixed array of maxAlts nodes
// whatever it holds, so that the size does not depend on how many the
// answering node found (and the static engine, which does not build
// them, charges the same).
func (r *Ring) messageItems(m *Msg) int {
	n := 0
	switch m.Kind {
	case MsgFindSuccessor, MsgLookupForward, MsgLookupReply:
		n++
	}
	if m.Node != None {
		n += 2
	}
	if m.Kind == MsgFindSuccessorReply {
		if r.retrying() {
			n += 2 * maxAlts
		}
	} else {
		n += 2 * len(m.List)
	}
	return n
}

// messageBytes is the size of a message of kind carrying items
// identifiers and addresses.
func (r *Ring) messageBytes(kind MsgKind, items int) uint64 {
	if b := r.fixedSize[kind]; b > 0 {
		return uint64(b)
	}
	return uint64(r.costs.Header + r.costs.PerID*items)
}

// meter counts the bytes of the message in slot, about to be sent.
func (r *Ring) meter(slot int32) {
	m := r.tr.net.Payload(slot)
	b := r.messageBytes(m.Kind, r.messageItems(m))
	r.bytes[m.Kind] += b
	if m.User {
		r.userBytes += b
	}
}

// meterStatic counts the bytes of the messages a static-engine run stood
// in for, from how many of each kind it counted (r.sent now, against
// before, r.sent when the run began): every one is a user lookup's, and
// each kind has one size there (a question carries its key and no silent
// node, an answer the node it names and, when lookups retry, the fixed
// fallback array, a ping and a pong nothing), so a count per kind times
// that size is the total that metering each message would give, without
// the per-hop work. Nothing reads the byte counts while the engine runs.
func (r *Ring) meterStatic(before [numMsgKinds]uint64) {
	for _, k := range [...]struct {
		kind  MsgKind
		items int
	}{
		{MsgFindSuccessor, 1},
		{MsgFindSuccessorReply, r.messageItems(&Msg{Kind: MsgFindSuccessorReply, Node: 0})},
		{MsgPing, 0},
		{MsgPong, 0},
	} {
		b := (r.sent[k.kind] - before[k.kind]) * r.messageBytes(k.kind, k.items)
		r.bytes[k.kind] += b
		r.userBytes += b
	}
}

// BytesSent returns how many bytes of each kind the nodes sent.
func (r *Ring) BytesSent() [numMsgKinds]uint64 { return r.bytes }

// LookupBytes is how many of BytesSent's bytes belong to user lookups
// (their questions, answers, forwards and owner checks); the rest is
// maintenance.
func (r *Ring) LookupBytes() uint64 { return r.userBytes }

// send, request and reply are the transport's, with the message counted
// first.
func (r *Ring) send(slot int32, from, to Handle) {
	r.meter(slot)
	r.tr.Send(slot, from, to)
}

func (r *Ring) request(slot int32, from, to Handle, timeout sim.Duration, id reqID) {
	r.meter(slot)
	r.tr.Request(slot, from, to, timeout, id)
}

func (r *Ring) reply(slot int32, from Handle, req sim.Request) {
	r.meter(slot)
	r.tr.Reply(slot, from, req)
}
