// Package sim is a virtual Quectel EC20: the modem side of the AT protocol,
// written independently of the engine's parser, with MQTT over real TLS to
// a real broker, and failure modes switched on by name.
//
// Broker, modem and pseudo-terminal in a few lines:
//
//	faults, err := sim.ParseFaults("slow-registration=3s,drop-connection=20s")
//	s, err := sim.Start(ctx, sim.Options{Faults: faults})
//	defer s.Close()
//	// s.DevicePath: open it like a serial port (go.bug.st/serial, picocom, chat)
//	// s.CAFile:     upload it with AT+QFUPL, trust it with AT+QSSLCFG="cacert"
//	// s.BrokerAddr: AT+QMTOPEN=0,"127.0.0.1",<port>
//	// s.Username, s.Password: AT+QMTCONN=0,"<id>","<user>","<password>"
//	up, _ := s.Broker.Subscribe(ctx, "modem/up")  // what the modem publishes
//	_ = s.Broker.Publish(ctx, "modem/down", []byte("on"), 1, false)
//
// Options.Model picks another module with the same broker, TLS, faults and
// 3GPP commands: "simcom" is a SIMCom A7670E (AT+CCERTDOWN, AT+CSSLCFG,
// AT+CMQTT...), "ublox" a u-blox SARA-R5 (AT+USECMNG, AT+USECPRF,
// AT+UMQTT, AT+UMQTTC); each model's command set is in its own files
// (simcom*.go, ublox*.go) and its MQTT client in famlink.go.
//
// Start runs until Close (or ctx's end; Close is still needed then). Done
// and Err report a modem that stopped by itself. Options.Link adds a
// symlink to the device; Options.Broker.URL (mqtts://host:port) with
// CAFile, Username and Password uses an external broker instead of the
// embedded one (s.Broker then watches and publishes through its own
// connection). Faults are fixed at Start; FaultHelp gives one line on each,
// the fields of Faults the details.
//
// Start also starts Servers: a TCP echo, a TLS echo, a UDP echo and an
// HTTP and HTTPS server on 127.0.0.1 (s.Servers.EchoAddr, HTTPSURL ...),
// their certificates signed by the broker's CA when the broker is the
// embedded one, so s.CAFile verifies them too. The modem's TCP/UDP sockets
// (AT+QIOPEN, buffer, push and transparent modes), SSL sockets
// (AT+QSSLOPEN) and HTTP(S) client (AT+QHTTPGET/POST) make real
// connections; docs/at-reference has their wire formats.
//
// Without a pseudo-terminal, NewModem(opts).Serve(ctx, conn) runs the modem
// on any io.ReadWriter (a net.Pipe in tests); OpenPTY gives a bare
// pseudo-terminal. Package broker has the broker on its own.
//
// # What the modem does
//
// It follows the project's EC20 AT reference (sections 1-8): echo on
// at boot (the echo is the command bytes and their CR, so "AT\r" gives
// "AT\r\r\nOK\r\n"), verbose results, AT+CMEE 0/1/2, the boot URCs, SIM and
// registration (CREG/CGREG/CEREG modes 0-2 and their URCs), attach, PDP
// contexts, RAM:/UFS: files with the AT+QFUPL checksum, six SSL contexts and
// six MQTT clients mapped onto paho, twelve sockets and twelve SSL
// clients on real connections, an HTTP(S) client. SMS in text and PDU mode (a message to
// OwnNumber comes back; DeliverSMS injects one), file download and
// handles, the clock with SNTP, DNS and ping (resolved for real, replies
// made up), and the network queries are described command by command in
// docs/at-reference (sms.md, files-clock.md, network.md; sockets.md,
// ssl-sockets.md, http.md). Commands lists
// what it implements; any other command is logged (Options.Log). Unknown commands and typographic quotes
// answer ERROR. Where the sources disagree it accepts both forms on input
// and writes one:
//
//   - "+QUSIM: 1" (not "+USIM:"); SMS DONE / PB DONE in random order per boot.
//   - "POWERED DOWN" framed as a normal URC.
//   - AT+QMTPUB accepts the Ctrl+Z form, a trailing <length>, and an inline
//     quoted payload; AT+QMTPUBEX takes <length>. The result URC is named
//     after the command used (+QMTPUB: / +QMTPUBEX:).
//   - With echo on, payload bytes after "> " are echoed (not Ctrl+Z/ESC);
//     data after CONNECT (AT+QFUPL) is not. ESC answers OK and sends nothing.
//   - The ciphersuite query prints "0X" and four digits ("0XFFFF").
//   - AT+QMTCFG queries list values only (+QMTCFG: "ssl",1,2), and names
//     match in any case.
//   - An open or TLS failure is +QMTOPEN: <id>,-1 (the only failure code
//     captured device logs show), an unresolvable name 4, a PDP context
//     that cannot come up 3, a client already open 2.
//   - AT+QIACT=<cid> without network service is +CME ERROR: 30; a context
//     the network will not activate (pdp-failure) is +CME ERROR: 561, "open
//     PDP context failed", the reference's only code for it (§6.2; §2.8
//     shows no failed activation, §5.3 gives 3 for the same failure on
//     AT+QMTOPEN).
//   - A refused CONNECT is +QMTCONN: <id>,0,<CONNACK code> (the embedded
//     broker answers 4 to a wrong password, mosquitto 5); the link is then
//     closed without +QMTSTAT. A CONNECT that gets no answer is
//     +QMTCONN: <id>,2. A link cut under a session is +QMTSTAT: <id>,1
//     (2 when the keep-alive PING fails).
//   - AT+QMTDISC gives +QMTDISC: <id>,0 followed by +QMTSTAT: <id>,5.
//   - A publish that cannot be sent (publish-fail) still takes its payload
//     and answers OK; its URC is +QMTPUB: <id>,<msgid>,2 (or +QMTPUBEX:).
//   - +QFUPL: <size>,<checksum> describes the bytes stored: with
//     upload-corrupt one byte differs from what the host sent (the middle
//     one, lowest bit flipped), so the checksum does too.
//   - AT+QFUPL over an existing file is +CME ERROR: 407 instead of CONNECT;
//     a delete that fails (delete-fails, first AT+QFDEL of an existing
//     file) is +CME ERROR: 418 and keeps the file. stale-file=<name> has
//     the modem boot with that file holding StaleContent.
//   - An upload whose data stops short: +CME ERROR: 421 after <timeout>.
//   - AT+CGATT=1 and AT+QIACT=<cid> while the modem is still searching
//     answer only once it registers (+CME ERROR: 30 after 140/150 s);
//     input meanwhile is ignored.
//   - State errors (AT+QMTCONN before an open link, AT+QMTSUB before a
//     session) are +CME ERROR: 3; malformed parameters are plain ERROR
//     whatever AT+CMEE says, as the captured logs show.
//
// URCs never interrupt a command: they wait until its final result, a data
// mode's end, or a partly typed line (for up to one second). They reach the
// line only when AT+QURCCFG="urcport" names Options.Port (default "usbat")
// or "all". A command's information lines form one block: one CR LF before
// the first, CR LF after each ("\r\nQuectel\r\nEC20F\r\n...\r\n\r\nOK\r\n");
// each URC is framed on its own.
//
// # Time
//
// Simulated delays (slow registration, upload timeouts, dropped
// connections, the URC storm, slow-line pacing, reboot) run on
// Options.Clock. A ManualClock lets tests move time without sleeping.
// Network I/O runs on real time.
package sim
