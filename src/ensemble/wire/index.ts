// The wire layer's public surface: records, jute primitives, framing and the client and peer codecs.
// Election notifications are re-exported as encode/decodeElectionNotification (the client's
// encodeNotification is the watch event).

export * from './records.js';
export * from './errors.js';
export * from './jute.js';
export * from './framing.js';
export * from './client.js';
export * from './fourletter.js';
export * from './txn.js';
export * from './snapshot.js';
export {
  ELECTION_STATES,
  PacketType,
  QuorumPacketDecoder,
  decodeElectionHello,
  decodeNotification as decodeElectionNotification,
  encodeElectionHello,
  encodeNotification as encodeElectionNotification,
  encodeQuorumPacket,
  encodeZabMessage,
  fromQuorumPacket,
  readQuorumPacket,
  toQuorumPacket,
  type ElectionHello,
  type ElectionNotification,
  type ElectionState,
  type QuorumPacket,
  type SessionTimeout,
  type ZabMessage,
  type ZabType,
} from './peer.js';
