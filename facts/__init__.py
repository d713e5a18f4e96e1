"""Facts about numbers: a cache of Numbers API answers and facts we compute ourselves."""
