.class public Lcom/google/android/gms/auth/api/signin/GoogleSignInAccount;
.super Ljava/lang/Object;
.source "GoogleSignInAccount.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static tag()Ljava/lang/String;
    .locals 1

    const-string v0, "GoogleSignInAccount"

    return-object v0
.end method
