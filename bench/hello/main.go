// Command hello is the start-up reference: a Go program that prints one
// line and exits.
package main

import "fmt"

func main() { fmt.Println("hello") }
