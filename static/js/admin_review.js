// The review page: the number box starts selected, so typing replaces the reading and Enter saves it.
"use strict";

document.getElementById("id_label")?.select();
