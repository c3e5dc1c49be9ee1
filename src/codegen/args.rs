//! A generated operation's arguments: their owned shapes (what `prepare`
//! and the mock parse a value into) and whether a path value needs the
//! route check.

use syn::{GenericArgument, PathArguments, Type, visit_mut::VisitMut};

pub(super) struct Arg {
    pub(super) ident: syn::Ident,
    /// The spec's name for it (`body` for the body).
    pub(super) api_name: String,
    pub(super) ty: Type,
    /// The owned form of the type (`str` becomes `String`).
    pub(super) shape: Shape,
    /// Whether it is a path parameter.
    pub(super) in_path: bool,
}

impl Arg {
    /// A path value that cannot change the route whatever it holds: the
    /// hand-written `Id`, `AuthId` and `Address` (checked when made), and
    /// numbers and booleans.
    pub(super) fn route_safe(&self) -> bool {
        let Type::Path(path) = self.shape.inner() else {
            return false;
        };
        let segments: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let joined = segments.join("::");
        matches!(
            joined.as_str(),
            "crate::ids::Id" | "crate::ids::AuthId" | "crate::address::Address"
        ) || (segments.len() == 1
            && matches!(
                segments[0].as_str(),
                "u8" | "u16"
                    | "u32"
                    | "u64"
                    | "i8"
                    | "i16"
                    | "i32"
                    | "i64"
                    | "usize"
                    | "isize"
                    | "bool"
            ))
    }
}

pub(super) enum Shape {
    /// `&T`
    Ref(Type),
    /// `Option<&T>`
    OptionRef(Type),
    /// `T`
    Value(Type),
    /// `Option<T>`
    OptionValue(Type),
}

impl Shape {
    /// The type inside the reference or the `Option`.
    pub(super) fn inner(&self) -> &Type {
        let (Shape::Ref(t) | Shape::Value(t) | Shape::OptionRef(t) | Shape::OptionValue(t)) = self;
        t
    }
}

/// Whether `t` is `String`, the owned form of a `&str` argument.
pub(super) fn is_str(t: &Type) -> bool {
    matches!(t, Type::Path(p) if p.path.is_ident("String"))
}

/// Drops the lifetimes of reference types (`&'a T` becomes `&T`).
pub(super) struct StripLifetimes;

impl VisitMut for StripLifetimes {
    fn visit_type_reference_mut(&mut self, reference: &mut syn::TypeReference) {
        reference.lifetime = None;
        syn::visit_mut::visit_type_reference_mut(self, reference);
    }
}

pub(super) fn shape(ty: &Type) -> Option<Shape> {
    if let Type::Reference(r) = ty {
        return Some(Shape::Ref(owned(&r.elem)));
    }
    if let Some(inner) = generic_arg(ty, "Option") {
        return Some(match inner {
            Type::Reference(r) => Shape::OptionRef(owned(&r.elem)),
            other => Shape::OptionValue(other.clone()),
        });
    }
    Some(Shape::Value(ty.clone()))
}

/// The type a value is parsed into: `str` (a plain `type: string`
/// parameter, which progenitor takes as `&str`) becomes `String`.
fn owned(elem: &Type) -> Type {
    match elem {
        Type::Path(p) if p.path.is_ident("str") => syn::parse_quote!(String),
        other => other.clone(),
    }
}

/// The first generic argument of a path type whose last segment is `name`.
pub(super) fn generic_arg<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}
