package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// buildDepsHello builds the hello world importing every package atrun
// links that is not atrun's own: the start-up those packages' initialisation
// and size cost before a line of atrun runs, the floor atrun's own start
// stands on. The program exists only in a build overlay (go help build,
// -overlay), inside the repository's module so that it takes the same
// versions as atrun; nothing is written into the repository.
func buildDepsHello(dir string) (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	list := exec.Command("go", "list", "-deps", "./cmd/atrun")
	list.Env = append(os.Environ(), "CGO_ENABLED=0")
	list.Dir = root
	out, err := list.Output()
	if err != nil {
		return "", fmt.Errorf("go list -deps ./cmd/atrun: %v", err)
	}
	var src strings.Builder
	src.WriteString("// Command hello, importing atrun's dependencies.\npackage main\n\nimport (\n\t\"fmt\"\n")
	for _, pkg := range strings.Fields(string(out)) {
		if importable(pkg) && pkg != "fmt" {
			fmt.Fprintf(&src, "\t_ %q\n", pkg)
		}
	}
	src.WriteString(")\n\nfunc main() { fmt.Println(\"hello\") }\n")
	mainGo := filepath.Join(dir, "depshello.go")
	if err := os.WriteFile(mainGo, []byte(src.String()), 0o644); err != nil {
		return "", err
	}
	overlay, err := json.Marshal(map[string]map[string]string{
		"Replace": {filepath.Join(root, "depshello", "main.go"): mainGo},
	})
	if err != nil {
		return "", err
	}
	overlayFile := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "depshello")
	build := exec.Command("go", "build", "-overlay", overlayFile, "-o", bin, "./depshello")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the hello world with atrun's dependencies: %v\n%s", err, out)
	}
	return bin, nil
}

// importable reports whether a program outside the standard library may
// import pkg, and whether it is not atrun's own.
func importable(pkg string) bool {
	switch {
	case strings.HasPrefix(pkg, "github.com/atrun/atrun"),
		pkg == "unsafe", pkg == "C", pkg == "runtime",
		strings.HasPrefix(pkg, "internal/"), strings.Contains(pkg, "/internal/"),
		strings.HasPrefix(pkg, "vendor/"):
		return false
	}
	return true
}
