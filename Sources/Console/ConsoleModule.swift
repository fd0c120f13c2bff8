/// The curses console. (Being built: see issue 5.)
enum ConsoleModule {}
