SELECT RAISE(ABORT, 'no') WHERE new.x > old.x
