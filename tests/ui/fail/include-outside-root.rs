// Includes that leave the docs root (here `tests/`, which holds `_includes/`)
// are refused: each is an error located at its include, and nothing of the
// file is read. The module still exists as a stub, so code that uses it,
// nested types included, adds no error of its own.
bitrix24::bitrix_method!("fixtures/outside-root.md");

use fixture_memo_get::{Params, ResultAuthor};

async fn memo(client: &bitrix24::Client) -> String {
    let output = fixture_memo_get::call(client, Params { id: 7 }).await.unwrap();
    let author: ResultAuthor = output.author.unwrap();
    author.name
}

fn main() {
    let _ = memo;
}
