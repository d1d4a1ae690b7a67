.class public Lcom/vikidemo/video/PlayerActivity;
.super Landroid/app/Activity;
.source "PlayerActivity.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Landroid/app/Activity;-><init>()V

    return-void
.end method


# virtual methods
.method protected onCreate(Landroid/os/Bundle;)V
    .locals 1

    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V

    const-string v0, "pk_test_fixture000000000000"

    invoke-static {p0, v0}, Lcom/stripe/android/PaymentConfiguration;->init(Landroid/content/Context;Ljava/lang/String;)V

    return-void
.end method

.method public subscribe(Ljava/lang/String;)V
    .locals 2

    new-instance v0, Lcom/stripe/android/Stripe;

    const-string v1, "pk_test_fixture000000000000"

    invoke-direct {v0, p0, v1}, Lcom/stripe/android/Stripe;-><init>(Landroid/content/Context;Ljava/lang/String;)V

    invoke-static {p1}, Lcom/stripe/android/model/ConfirmPaymentIntentParams;->create(Ljava/lang/String;)Lcom/stripe/android/model/ConfirmPaymentIntentParams;

    move-result-object v1

    invoke-virtual {v0, p0, v1}, Lcom/stripe/android/Stripe;->confirmPayment(Landroid/app/Activity;Lcom/stripe/android/model/ConfirmPaymentIntentParams;)V

    return-void
.end method
