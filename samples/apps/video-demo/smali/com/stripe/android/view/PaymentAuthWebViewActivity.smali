.class public Lcom/stripe/android/view/PaymentAuthWebViewActivity;
.super Landroid/app/Activity;
.source "PaymentAuthWebViewActivity.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Landroid/app/Activity;-><init>()V

    return-void
.end method

.method public static tag()Ljava/lang/String;
    .locals 1

    const-string v0, "PaymentAuthWebViewActivity"

    return-object v0
.end method
