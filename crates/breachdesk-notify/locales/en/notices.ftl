# notices
