//! Diesel table definitions, kept in step with `migrations/sqlite/` by hand.

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        slug -> Text,
        role -> Text,
        bio -> Nullable<Text>,
        avatar_url -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        token_version -> BigInt,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        family -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    categories (id) {
        id -> BigInt,
        name -> Text,
        slug -> Text,
        description -> Nullable<Text>,
        parent_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// `search_status`, a generated column that only the search index reads
    /// (`migrations/sqlite/2026-11-25-000001_initial_schema/up.sql`), is left out.
    articles (id) {
        id -> BigInt,
        title -> Text,
        slug -> Text,
        excerpt -> Text,
        content -> Text,
        content_format -> Text,
        content_html -> Text,
        content_text -> Text,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        featured -> Bool,
        comments_open -> Bool,
        featured_image_url -> Nullable<Text>,
        featured_image_alt -> Nullable<Text>,
        featured_image_caption -> Nullable<Text>,
        featured_image_id -> Nullable<BigInt>,
        category_id -> Nullable<BigInt>,
        author_id -> BigInt,
        reading_time_minutes -> Integer,
        view_count -> BigInt,
        comment_count -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        meta_title -> Nullable<Text>,
        meta_description -> Nullable<Text>,
        og_image_id -> Nullable<BigInt>,
        canonical_url -> Nullable<Text>,
        announced_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(articles -> users (author_id));
diesel::joinable!(articles -> categories (category_id));

diesel::table! {
    comments (id) {
        id -> BigInt,
        article_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_name -> Text,
        author_email -> Text,
        author_url -> Nullable<Text>,
        content -> Text,
        status -> Text,
        author_ip -> Text,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(comments -> articles (article_id));

diesel::table! {
    tags (id) {
        id -> BigInt,
        name -> Text,
        slug -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// An article's tags, `position` keeping the order its editor gave
    /// (`migrations/sqlite/2026-11-30-000001_tags/up.sql`).
    article_tags (article_id, tag_id) {
        article_id -> BigInt,
        tag_id -> BigInt,
        position -> Integer,
    }
}

diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(article_tags -> tags (tag_id));

diesel::table! {
    /// The media library (`migrations/*/2026-11-30-000002_media`).
    media (id) {
        id -> BigInt,
        storage_key -> Text,
        file_name -> Text,
        mime_type -> Text,
        width -> Integer,
        height -> Integer,
        bytes -> BigInt,
        alt -> Nullable<Text>,
        caption -> Nullable<Text>,
        credit -> Nullable<Text>,
        renditions -> Text,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(articles -> media (featured_image_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    refresh_tokens,
    categories,
    articles,
    comments,
    tags,
    article_tags,
    media
);

diesel::table! {
    article_views_daily (article_id, day) {
        article_id -> BigInt,
        day -> Date,
        count -> BigInt,
    }
}

diesel::joinable!(article_views_daily -> articles (article_id));
diesel::allow_tables_to_appear_in_same_query!(article_views_daily, articles);

diesel::table! {
    /// One row: the public content version, moved by triggers
    /// (`migrations/sqlite/2026-11-25-000001_initial_schema/up.sql`).
    public_version (id) {
        id -> BigInt,
        version -> BigInt,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        kind -> Text,
        data -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Registered webhook endpoints (`migrations/*/2026-11-30-000005_webhooks`).
    webhooks (id) {
        id -> BigInt,
        url -> Text,
        events -> Text,
        secret -> Text,
        description -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// One event for one webhook, until it was sent (or given up on), and after as a log.
    webhook_deliveries (id) {
        id -> BigInt,
        webhook_id -> BigInt,
        event_id -> BigInt,
        event_type -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        response_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        duration_ms -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::allow_tables_to_appear_in_same_query!(webhooks, webhook_deliveries, events);
