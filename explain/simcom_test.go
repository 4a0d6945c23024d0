package explain

import "testing"

// SIMCom's result words and URCs are classified as the engine routes them
// (engine/codes), each with its meaning: SHUT OK ends AT+CIPSHUT, the
// TCP/IP, GNSS and boot lines are URCs. The snippets follow logs 18, 19,
// 23 and 26 of the shared collection.
func TestSIMComVocabulary(t *testing.T) {
	tests := []struct {
		name, log string
		wants     []want
	}{
		{"boot and GNSS (A7670E)", "\r\n*ATREADY: 1\r\nAT+CGNSSPWR=1\r\r\nOK\r\n\r\nSMS DONE\r\n\r\n+CGNSSPWR: READY!\r\n\r\nPB DONE\r\n", []want{
			{text: "*ATREADY: 1", kind: KindURC, meaning: "AT interface is ready"},
			{text: "SMS DONE", kind: KindURC, meaning: "SMS initialisation finished"},
			{text: "+CGNSSPWR: READY!", kind: KindURC, meaning: "GNSS powered on"},
			{text: "PB DONE", kind: KindURC, meaning: "phonebook"},
		}},
		{"network open (SIM7600)", "AT+NETOPEN\r\r\nOK\r\n\r\n+NETOPEN: 0\r\nAT+CIPOPEN=0,\"TCP\",\"example.com\",80\r\r\nOK\r\n\r\n+CIPOPEN: 0,11\r\n\r\n+IPCLOSE: 0,1\r\n", []want{
			{text: "+NETOPEN: 0", kind: KindURC, meaning: "network opened"},
			{text: "+CIPOPEN: 0,11", kind: KindURC, meaning: "DNS parse failed"},
			{text: "+IPCLOSE: 0,1", kind: KindURC, meaning: "closed by the server"},
		}},
		{"IP shut (SIM7000A)", "AT+CIPSHUT\r\r\nSHUT OK\r\nAT+CGATT=0\r\r\nOK\r\nAT+CIPCLOSE\r\r\nCLOSE OK\r\n", []want{
			{text: "SHUT OK", kind: KindFinal, command: "AT+CIPSHUT", meaning: "AT+CIPSHUT"},
			{text: "OK", kind: KindFinal, command: "AT+CGATT=0"},
			{text: "CLOSE OK", kind: KindFinal, command: "AT+CIPCLOSE"},
		}},
		{"CA sockets (SIM7000G)", "AT+CNACT=1\r\r\nOK\r\n\r\n+APP PDP: ACTIVE\r\n\r\n+CADATAIND: 1\r\n\r\n+CASTATE: 1,0\r\n\r\n+CACLOSE: 1\r\n", []want{
			{text: "+APP PDP: ACTIVE", kind: KindURC, meaning: "PDP context for the application is active"},
			{text: "+CADATAIND: 1", kind: KindURC, meaning: "data arrived", hint: "AT+CARECV"},
			{text: "+CASTATE: 1,0", kind: KindURC, meaning: "connection 1: closed"},
			{text: "+CACLOSE: 1", kind: KindURC, meaning: "connection 1 closed"},
		}},
		{"CIPSTART (SIM800)", "AT+CIPSTART=\"TCP\",\"example.com\",80\r\r\nOK\r\n\r\nCONNECT FAIL\r\n", []want{
			{text: "CONNECT FAIL", kind: KindURC, meaning: "could not be set up"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, mustParse(t, tt.log, FormatPlain), tt.wants)
		})
	}
}
