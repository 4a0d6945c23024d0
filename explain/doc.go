// Package explain reads AT command logs as people paste them into issues
// and forums, and classifies every line: the command the host sent, the
// modem's echo, the information response and the final result of each
// command, unsolicited result codes, data prompts, payload bytes, and the
// noise around them (application prints, blank lines, damaged bytes). Every
// code the engine knows is decoded on the way.
//
// It understands plain terminal text (echo on or off, with or without the
// terminal doubling each command), Arduino Serial Monitor timestamps, the
// Azure EWF byte trace, the ">>"/"<<" and "<-"/"->" direction markers of
// driver libraries, and raw byte captures of the modem's output. The
// format is detected unless forced.
//
// The classification follows the engine's routing: a line carrying the
// pending command's response prefix belongs to that command, an
// asynchronous +QMT... result after OK is a URC, and anything else between
// a command and its final result is the command's response.
//
// Events turns the classified log back into a conversation of host writes
// and modem bytes, with the wire framing restored, for transcript import.
package explain
