package kv

import (
	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/sim"
)

// MsgKind is the type of a service message.
type MsgKind uint8

// The service's messages.
const (
	MsgWrite        MsgKind = iota // a write or delete: client → primary, then down the chain (linearizable)
	MsgRead                        // a read: client → primary, then to the tail or a replica
	MsgReply                       // the answer to the client
	MsgPropagate                   // eventual mode: a write passed down the chain after the ack
	MsgFetch                       // a joiner asks its successor for the pairs it now holds
	MsgFetchReply                  // the successor's answer
	MsgTransfer                    // pairs pushed: a hand-off (join, leave) or a primary's repair
	MsgTransferAck                 // a hand-off arrived (with one copy per key, the sender may forget the pairs)
	MsgPing                        // is the node I redirect to still alive?
	MsgPong                        // its answer
	MsgCollect                     // query *: "your pairs and your successor, please"
	MsgCollectReply                // the answer
	MsgSync                        // a node taking over a failed predecessor's range asks its chain for their copies of (Node, E.ID]
	MsgSyncReply                   // the answer
	numMsgKinds
)

// NumMsgKinds is the number of message kinds.
const NumMsgKinds = int(numMsgKinds)

var msgNames = [...]string{
	"kv_write", "kv_read", "kv_reply", "kv_propagate", "kv_fetch", "kv_fetch_reply",
	"kv_transfer", "kv_transfer_ack", "kv_ping", "kv_pong", "kv_collect", "kv_collect_reply",
	"kv_sync", "kv_sync_reply",
}

func (k MsgKind) String() string { return msgNames[k] }

// status of a reply.
type status uint8

const (
	statusOK      status = iota
	statusRefused        // not responsible for the key (Hint may say who is), or not ready
)

// Msg is the payload of every service message. Messages are pooled by the
// network; Entries keeps its capacity from one use to the next.
type Msg struct {
	Kind    MsgKind
	Status  status
	Pos     int8         // chain messages: the receiver's position in the chain (primary = 0); −1: serve this read yourself
	Primary chord.Handle // chain messages: the chain's head, where a chain that wraps around stops
	Hint    chord.Handle // refused: the node to try instead (None: look the key up again)
	E       Entry        // the write, or the value read
	Found   bool         // reply to a read: E holds a live value
	Server  chord.Handle // reply: the node whose copy answered or that acknowledged
	Req     sim.Request  // chain messages: the client's request, answered by the last node
	Client  int32        // chain writes: the client session whose write this is (E may be a later entry when it is a retry)
	Seq     uint64       // and its sequence number
	Entries []Entry      // fetch reply, transfer, collect reply
	Node    chord.Handle // collect reply: the answering node's successor; fetch reply: where the joiner's range starts; sync: the start of the range asked for
	Leaving bool         // transfer: the sender is leaving
	Handoff bool         // transfer: a hand-off (join or leave), not a repair
}
