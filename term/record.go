package term

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/atrun/atrun/engine/transcript"
)

// fileRecorder is a :record transcript being written.
type fileRecorder struct {
	file *os.File
	rec  *transcript.Recorder
}

// recordCmd starts (or, with "off", ends) a transcript of what follows.
func (s *Session) recordCmd(_ context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: :record FILE.atr (or :record off)")
	}
	if strings.EqualFold(args[0], "off") {
		if s.record.Load() == nil {
			return errors.New("not recording")
		}
		return s.stopRecord()
	}
	if err := s.stopRecord(); err != nil {
		return err
	}
	f, err := os.Create(args[0])
	if err != nil {
		return fmt.Errorf("cannot write the transcript: %w", unwrapPath(err))
	}
	rec, err := transcript.NewRecorder(f, transcript.Header{Port: s.port, Start: time.Now()}, s.secrets)
	if err != nil {
		f.Close()
		return fmt.Errorf("cannot write the transcript %s: %w", args[0], err)
	}
	s.record.Store(&fileRecorder{file: f, rec: rec})
	s.out.linef(styleInfo, "recording into %s (:record off ends it)", args[0])
	return nil
}

// stopRecord ends the :record transcript, if any, as a success.
func (s *Session) stopRecord() error {
	r := s.record.Swap(nil)
	if r == nil {
		return nil
	}
	err := r.rec.EndAs(time.Now(), transcript.Ending{Kind: transcript.Succeeded})
	if cerr := r.file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the transcript %s: %w", r.file.Name(), err)
	}
	s.out.linef(styleInfo, "wrote %s", r.file.Name())
	return nil
}
