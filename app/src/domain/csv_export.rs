//! The applications list as CSV for spreadsheets: proper quoting (the `csv` crate), and any
//! cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage
//! return) neutralised with a leading apostrophe. Server only.

/// Put first in a file, it tells Excel the file is UTF-8.
pub const BYTE_ORDER_MARK: &str = "\u{FEFF}";

/// A cell a spreadsheet will show as text, never run.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// Writes `rows` under `header` as CSV (CRLF line ends, quotes where needed).
pub fn write(header: &[&str], rows: &[Vec<String>]) -> Result<String, String> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    writer.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        writer.write_record(row.iter().map(|c| neutralise(c))).map_err(|e| e.to_string())?;
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised() {
        for dangerous in ["=HYPERLINK(\"http://x\")", "+44 20", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(dangerous).starts_with('\''), "{dangerous:?}");
        }
        assert_eq!(neutralise("Sam Jones"), "Sam Jones");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn commas_quotes_and_newlines_are_quoted_properly() {
        let csv = write(&["name", "notes"], &[vec!["Patel, Raj".into(), "says \"hi\"\nthen leaves".into()]]).unwrap();
        assert_eq!(csv, "name,notes\r\n\"Patel, Raj\",\"says \"\"hi\"\"\nthen leaves\"\r\n");
    }

    #[test]
    fn a_neutralised_formula_still_reads_back_as_one_cell() {
        let csv = write(&["name"], &[vec!["=1+1,2".into()]]).unwrap();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(&record[0], "'=1+1,2");
    }
}
