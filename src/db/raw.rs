//! SQL written by hand with diesel's own expressions inside it, for the few queries the
//! query builder cannot say (a full-text index joined in a fixed order, a chosen index):
//! the rules they share with the rest of the code, such as which articles the public sees,
//! are then written once, as diesel expressions, and rendered here with their binds.

use diesel::backend::Backend;
use diesel::expression::AsExpression;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{SingleValue, Untyped};
use diesel::{QueryResult, RunQueryDsl};

type Piece<DB> = Box<dyn QueryFragment<DB> + Send>;

/// A query made of SQL text, bound values and diesel expressions, in order. Load its rows
/// into a `QueryableByName` type, as with `diesel::sql_query`.
pub struct RawQuery<DB: Backend> {
    pieces: Vec<Piece<DB>>,
}

impl<DB: Backend + 'static> RawQuery<DB> {
    /// A query that starts with `sql`.
    pub fn new(sql: &str) -> Self {
        Self { pieces: Vec::new() }.sql(sql)
    }

    /// `sql`, as written.
    pub fn sql(mut self, sql: &str) -> Self {
        self.pieces.push(Box::new(Text(sql.to_owned())));
        self
    }

    /// A placeholder bound to `value`, of SQL type `T`.
    pub fn bind<T, U>(self, value: U) -> Self
    where
        T: SingleValue,
        U: AsExpression<T>,
        U::Expression: QueryFragment<DB> + Send + 'static,
    {
        self.expression(value.as_expression())
    }

    /// A diesel expression, rendered with its own binds.
    pub fn expression(mut self, expression: impl QueryFragment<DB> + Send + 'static) -> Self {
        self.pieces.push(Box::new(expression));
        self
    }
}

struct Text(String);

impl<DB: Backend> QueryFragment<DB> for Text {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(&self.0);
        Ok(())
    }
}

impl<DB: Backend> QueryFragment<DB> for RawQuery<DB> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        // The text changes with the query's shape; diesel keeps no prepared statement of it.
        out.unsafe_to_cache_prepared();
        for piece in &self.pieces {
            piece.walk_ast(out.reborrow())?;
        }
        Ok(())
    }
}

impl<DB: Backend> QueryId for RawQuery<DB> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<DB: Backend> Query for RawQuery<DB> {
    type SqlType = Untyped;
}

impl<DB: Backend, Conn> RunQueryDsl<Conn> for RawQuery<DB> {}
