package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/atrun/atrun/sim/broker"
)

// Sim is a running simulator: broker, modem and pseudo-terminal.
type Sim struct {
	// DevicePath is the serial device to open (/dev/pts/N).
	DevicePath string
	// BrokerAddr is host:port for AT+QMTOPEN; BrokerURL is mqtts://host:port.
	BrokerAddr string
	BrokerURL  string
	// CAFile is the broker's CA certificate (PEM) for AT+QFUPL.
	CAFile string
	// Username and Password are what AT+QMTCONN must send.
	Username string
	Password string
	// Broker shows what the modem published and publishes downlinks.
	Broker broker.Broker
	// Modem is the modem being served.
	Modem *Modem
	// NTPAddr is host:port of an SNTP server on loopback for AT+QNTP.
	NTPAddr string
	// Servers are the echo and web servers the modem's sockets and HTTP
	// client can reach; with the embedded broker their certificates come
	// from the broker's CA, so CAFile verifies them too.
	Servers *Servers

	ntp       *NTPServer
	shared    bool               // a fleet member: the broker, servers and NTP server are the fleet's
	line      io.ReadWriteCloser // the pseudo-terminal's master, or Options.Line
	link      string
	cancel    context.CancelFunc
	served    chan struct{}
	serveErr  error
	closeOnce sync.Once
	closeErr  error
}

// Start starts the broker (embedded unless opts.Broker.URL names one), the
// modem and its pseudo-terminal. The simulator runs until Close or until
// ctx ends.
func Start(ctx context.Context, opts Options) (*Sim, error) {
	if err := CheckModel(opts.Model); err != nil {
		closeLine(opts.Line)
		return nil, fmt.Errorf("sim: %w", err)
	}
	b, err := startBroker(ctx, opts)
	if err != nil {
		closeLine(opts.Line)
		return nil, err
	}
	srv, err := startServers(b, opts.Dir)
	if err != nil {
		b.Close()
		closeLine(opts.Line)
		return nil, err
	}
	p, path, err := opts.line()
	if err != nil {
		srv.Close()
		b.Close()
		return nil, err
	}
	s := &Sim{
		DevicePath: path, BrokerAddr: b.Addr(), BrokerURL: b.URL(), CAFile: b.CAFile(),
		Username: b.Username(), Password: b.Password(), Broker: b, Servers: srv,
		Modem: NewModem(opts), line: p, served: make(chan struct{}),
	}
	if err := s.makeLink(opts.Link); err != nil {
		p.Close()
		srv.Close()
		b.Close()
		return nil, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	if err := s.startExtras(runCtx, opts); err != nil {
		cancel()
		p.Close()
		srv.Close()
		b.Close()
		return nil, err
	}
	go func() {
		defer close(s.served)
		s.serveErr = s.Modem.Serve(runCtx, p)
	}()
	return s, nil
}

// startServers starts the echo and web servers, with the embedded broker's
// CA when there is one, else with a CA of their own.
func startServers(b broker.Broker, dir string) (*Servers, error) {
	var srv *Servers
	var err error
	if e, ok := b.(*broker.Embedded); ok {
		srv, err = StartServers(e.CA(), e.CAFile(), "")
	} else {
		srv, err = StartServers(nil, "", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("sim: echo and web servers: %w", err)
	}
	return srv, nil
}

func startBroker(ctx context.Context, opts Options) (broker.Broker, error) {
	bo := opts.Broker
	if bo.URL == "" {
		var events func(string)
		if opts.Verbose && opts.Log != nil {
			events = func(e string) { opts.Log("broker: " + e) }
		}
		b, err := broker.Start(broker.Options{Dir: opts.Dir, Username: bo.Username, Password: bo.Password,
			RequireClientCert: bo.RequireClientCert, Events: events})
		if err != nil {
			return nil, fmt.Errorf("sim: embedded broker: %w", err)
		}
		return b, nil
	}
	r, err := broker.Connect(ctx, broker.External{URL: bo.URL, CAFile: bo.CAFile, Username: bo.Username, Password: bo.Password})
	if err != nil {
		return nil, fmt.Errorf("sim: external broker: %w", err)
	}
	return r, nil
}

// closeLine closes a line given in Options.Line when the modem for it
// could not start: Start owns the line it is given, whatever happens.
func closeLine(l io.ReadWriteCloser) {
	if l != nil {
		l.Close()
	}
}

// line is the modem's serial line: Options.Line, or a new pseudo-terminal
// and the path of its device.
func (o Options) line() (io.ReadWriteCloser, string, error) {
	if o.Line != nil {
		return o.Line, "", nil
	}
	p, err := OpenPTY()
	if err != nil {
		return nil, "", err
	}
	return p, p.Path, nil
}

// makeLink creates the optional symlink to the device, replacing an old
// symlink but never a real file.
func (s *Sim) makeLink(link string) error {
	if link == "" || s.DevicePath == "" {
		return nil
	}
	if fi, err := os.Lstat(link); err == nil {
		if fi.Mode()&os.ModeSymlink == 0 {
			return fmt.Errorf("sim: %s exists and is not a symlink", link)
		}
		os.Remove(link)
	}
	if err := os.Symlink(s.DevicePath, link); err != nil {
		return fmt.Errorf("sim: link: %w", err)
	}
	s.link = link
	return nil
}

// Done is closed when the modem stops (Close, ctx's end, or an I/O error).
func (s *Sim) Done() <-chan struct{} { return s.served }

// Err returns why the modem stopped, once Done is closed.
func (s *Sim) Err() error {
	select {
	case <-s.served:
		return s.serveErr
	default:
		return nil
	}
}

// Close stops the modem, its network work, the pseudo-terminal and the
// broker. Clients of the device see it go away.
func (s *Sim) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		<-s.served
		errs := []error{s.line.Close()}
		if !s.shared {
			errs = append(errs, s.Servers.Close(), s.Broker.Close(), s.ntp.Close())
		}
		if s.link != "" {
			os.Remove(s.link)
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// startExtras starts what surrounds the modem: the NTP server, the
// broker's reply to the first publish (Options.Reply) and, with
// Options.Verbose, a log line for each message the broker carries.
func (s *Sim) startExtras(ctx context.Context, opts Options) error {
	ntp, err := StartNTPServer()
	if err != nil {
		return fmt.Errorf("sim: NTP server: %w", err)
	}
	s.ntp, s.NTPAddr = ntp, ntp.Addr
	logf := func(format string, args ...any) {
		if opts.Log != nil {
			opts.Log(fmt.Sprintf(format, args...))
		}
	}
	if opts.Reply != "" {
		s.Modem.reply.send = func(topic string) {
			if err := s.Broker.Publish(ctx, topic, []byte(opts.Reply), 1, false); err != nil {
				logf("broker: the reply on %s failed: %v", topic, err)
				return
			}
			if opts.Verbose {
				logf("broker: replied on %s: %s", topic, opts.Reply)
			}
		}
	}
	if opts.Verbose && opts.Log != nil {
		sub, err := s.Broker.Subscribe(ctx, "#")
		if err != nil {
			ntp.Close()
			return fmt.Errorf("sim: watching the broker: %w", err)
		}
		go func() {
			defer sub.Close()
			for {
				msg, err := sub.Next(ctx)
				if err != nil {
					return
				}
				logf("broker: message on %s (%d bytes): %s", msg.Topic, len(msg.Payload), msg.Payload)
			}
		}()
	}
	return nil
}
