package sim

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Every +CME/+CMS ERROR code the modem's source gives has its AT+CMEE=2
// text, so verbose errors are verbose for every implemented command.
func TestEveryCodeInTheSourceHasItsText(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\b(cme|cms)\((\d+)\)`)
	found := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		src, err := os.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			found++
			code, _ := strconv.Atoi(m[2])
			if _, ok := cmeTexts[code]; m[1] == "cme" && !ok {
				t.Errorf("%s: +CME ERROR: %d has no verbose text", e.Name(), code)
			}
			if _, ok := cmsTexts[code]; m[1] == "cms" && !ok {
				t.Errorf("%s: +CMS ERROR: %d has no verbose text", e.Name(), code)
			}
		}
	}
	if found < 20 {
		t.Fatalf("only %d error codes found in the source", found)
	}
}
