package sim

var ubloxModel = &modelSpec{
	title:    "u-blox SARA-R5",
	revision: "03.15",
	handlers: withModelCommands(),
	bootURCs: func(m *Modem) {},
}

type ubloxState struct{}

func (s *ubloxState) reset(m *Modem) {}
