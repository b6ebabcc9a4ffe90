-- An organisation's name in Swedish and English (issue 23): notices and letters in those
-- languages use them; without them, the name as given (usually Finnish) is used.
ALTER TABLE organisations ADD COLUMN name_sv TEXT;
ALTER TABLE organisations ADD COLUMN name_en TEXT;
