package main

import (
	"context"
	"io"
)

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) int   { return 2 }
func runCorpus(ctx context.Context, args []string, stdout, stderr io.Writer) int { return 2 }
