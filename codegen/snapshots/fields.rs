pub mod types {
    pub struct Thing {
        /// Two underscores.
        #[serde(rename = "a__b", default, skip_serializing_if = "Option::is_none")]
        pub a_b: Option<String>,
        /// One underscore.
        #[serde(rename = "a_b", default, skip_serializing_if = "Option::is_none")]
        pub a_b_2: Option<i64>,
        /** How many.

 Left out of the request unless set: the server then applies its default, `3`.*/
        pub count: i64,
        /// The mode.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mode: Option<Mode>,
        /// Tags.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<String>,
    }
}
