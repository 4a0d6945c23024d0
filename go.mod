module github.com/atrun/atrun

go 1.26.8

require (
	github.com/chzyer/readline v1.5.1
	github.com/creack/pty v1.1.24
	github.com/eclipse/paho.mqtt.golang v1.5.1
	github.com/mochi-mqtt/server/v2 v2.7.9
	github.com/urfave/cli/v3 v3.14.0
	github.com/yuin/gopher-lua v1.1.2
	go.bug.st/serial v1.8.0
	golang.org/x/net v0.44.0
	golang.org/x/sys v0.43.0
)

require (
	github.com/gorilla/websocket v1.5.3 // indirect
	github.com/rs/xid v1.4.0 // indirect
	golang.org/x/sync v0.17.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
