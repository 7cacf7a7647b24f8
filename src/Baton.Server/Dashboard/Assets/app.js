// CONTRACT PLACEHOLDER (issue 18): the shell's builder writes the live-refresh script.
"use strict";
