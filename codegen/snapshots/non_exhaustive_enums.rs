pub mod types {
    #[non_exhaustive]
    pub enum Plain {
        A,
        B,
    }
    #[non_exhaustive]
    pub enum Marked {
        C,
    }
    pub struct NotAnEnum {
        pub x: i64,
    }
}
