print("porthole-bench: no benchmarks yet")
