package chordtest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// maxDeliverAll bounds deliver-all: a protocol that answers every message
// with another would otherwise never stop.
const maxDeliverAll = 1000

// wire runs the commands that play the network by hand.
func (sc *scenario) wire(b *strings.Builder, cmd string, args []string) error {
	switch cmd {
	case "hold":
		if len(args) != 1 || (args[0] != "on" && args[0] != "off") {
			return fmt.Errorf("usage: hold on|off")
		}
		sc.net.Hold(args[0] == "on")
	case "inflight":
		if len(args) != 0 {
			return fmt.Errorf("usage: inflight")
		}
		held := sc.net.Held()
		if len(held) == 0 {
			b.WriteString("no message in flight\n")
		}
		for _, m := range held {
			b.WriteString(sc.describe(m) + "\n")
		}
	case "deliver", "drop", "dup":
		if len(args) == 0 {
			return fmt.Errorf("usage: %s MSG (#N, or FROM->TO [KIND])", cmd)
		}
		id, err := sc.selectMsg(args)
		if err != nil {
			return err
		}
		switch cmd {
		case "deliver":
			return sc.net.DeliverHeld(id)
		case "drop":
			return sc.net.DropHeld(id)
		}
		c, err := sc.net.DuplicateHeld(id, copyMsg)
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "#%d\n", c)
	case "deliver-all":
		if len(args) != 0 {
			return fmt.Errorf("usage: deliver-all")
		}
		for k := 0; ; k++ {
			held := sc.net.Held()
			if len(held) == 0 {
				break
			}
			if k == maxDeliverAll {
				return fmt.Errorf("still %d messages in flight after %d deliveries", len(held), maxDeliverAll)
			}
			if err := sc.net.DeliverHeld(held[0].ID); err != nil {
				return err
			}
		}
	case "delay":
		if len(args) < 2 {
			return fmt.Errorf("usage: delay MSG DURATION")
		}
		d, err := sim.ParseDuration(args[len(args)-1])
		if err != nil {
			return err
		}
		id, err := sc.selectMsg(args[:len(args)-1])
		if err != nil {
			return err
		}
		return sc.net.DelayHeld(id, d)
	case "reorder":
		if len(args) == 0 {
			return fmt.Errorf("usage: reorder MSG [MSG ...]")
		}
		var ids []uint64
		for _, a := range args {
			id, err := sc.selectMsg([]string{a})
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return sc.net.ReorderHeld(ids...)
	}
	return nil
}

// selectMsg finds the held message args name: "#N", or "FROM->TO" with an
// optional kind (the first such message in flight).
func (sc *scenario) selectMsg(args []string) (uint64, error) {
	if n, ok := strings.CutPrefix(args[0], "#"); ok {
		if len(args) != 1 {
			return 0, fmt.Errorf("%s names a message already; %q is extra", args[0], args[1])
		}
		id, err := strconv.ParseUint(n, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("message %q: want #N", args[0])
		}
		return id, nil
	}
	fromName, toName, ok := strings.Cut(args[0], "->")
	if !ok || len(args) > 2 {
		return 0, fmt.Errorf("message %q: want #N, or FROM->TO [KIND]", strings.Join(args, " "))
	}
	from, err := sc.node(fromName)
	if err != nil {
		return 0, err
	}
	to, err := sc.node(toName)
	if err != nil {
		return 0, err
	}
	kind := ""
	if len(args) == 2 {
		kind = args[1]
	}
	for _, m := range sc.net.Held() {
		if m.From == from && m.To == to && (kind == "" || m.Msg.Kind.String() == kind) {
			return m.ID, nil
		}
	}
	return 0, fmt.Errorf("no message %s in flight", strings.Join(args, " "))
}

// describe formats a held message: its number, ends and kind, and what it
// carries that the protocol reads.
func (sc *scenario) describe(h sim.HeldMessage[chord.Msg]) string {
	m := h.Msg
	s := fmt.Sprintf("#%d %s->%s %s", h.ID, sc.name(h.From), sc.name(h.To), m.Kind)
	switch m.Kind {
	case chord.MsgFindSuccessor:
		s += fmt.Sprintf(" key=%d", sc.unshift(m.Key))
		if len(m.List) > 0 {
			s += " silent=" + sc.names(m.List)
		}
		if m.Node != chord.None {
			s += " forget=" + sc.name(m.Node)
		}
	case chord.MsgFindSuccessorReply:
		if m.Done {
			s += " owner=" + sc.name(m.Node)
		} else {
			s += " next=" + sc.name(m.Node)
		}
		if len(m.List) > 0 {
			s += " alternates=" + sc.names(m.List)
		}
	case chord.MsgLookupForward:
		s += fmt.Sprintf(" key=%d hops=%d", sc.unshift(m.Key), m.Hops)
	case chord.MsgLookupReply:
		if m.Done {
			s += " owner=" + sc.name(m.Node)
		} else {
			s += " gave-up"
		}
		s += fmt.Sprintf(" hops=%d", m.Hops)
	case chord.MsgGetPredecessorReply:
		s += " pred=" + sc.name(m.Node) + " succ=" + sc.names(m.List)
	case chord.MsgLeaveToSuccessor:
		s += " pred=" + sc.name(m.Node)
	case chord.MsgLeaveToPredecessor:
		s += " succ=" + sc.names(m.List)
	}
	return s
}

// copyMsg copies a payload for dup; the copy has a list of its own.
func copyMsg(dst, src *chord.Msg) {
	l := dst.List[:0]
	*dst = *src
	dst.List = append(l, src.List...)
}
