// Command quickstart shows the client's first steps.
package main

import (
	"fmt"
	"os"
)

func main() {
	if os.Getenv("PLUGGY_CLIENT_ID") == "" || os.Getenv("PLUGGY_CLIENT_SECRET") == "" {
		fmt.Println("quickstart: set PLUGGY_CLIENT_ID and PLUGGY_CLIENT_SECRET to run against the Pluggy API.")
		return
	}
	fmt.Println("quickstart: credentials found.")
}
