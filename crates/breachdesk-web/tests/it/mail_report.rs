//! Issue 22: a report that came by e-mail shows on the case page as the message said it —
//! sender, recipients, subject, text — with its channel, the files it carried and, in words, what
//! it is when it is not a person's report; a reply in its thread shows as a supplement. Only those
//! who may open the case see it.

use breachdesk_app::mail_intake::{MailIntakeSettings, MailOutcome};
use breachdesk_core::user::Role;

use crate::helpers::spawn;

fn crlf(s: &str) -> Vec<u8> {
    s.replace('\n', "\r\n").into_bytes()
}

#[tokio::test]
async fn an_emailed_report_reads_on_the_case_page_in_the_handlers_language() {
    let app = spawn().await;
    let dpo = app
        .account(&[(&app.uni, Role::Dpo)], "dpo@uni.example")
        .await;
    let museum_dpo = app
        .account(&[(&app.museum, Role::Dpo)], "dpo@museum.example")
        .await;
    let admin = app
        .account(&[(&app.uni, Role::Admin)], "admin@uni.example")
        .await;
    let settings = MailIntakeSettings::default();
    let first = app
        .state
        .intake_mail(
            &app.uni,
            crlf(
                "From: Sanna Sihteeri <sanna@uni.example>\n\
                 To: tietosuoja@uni.example\n\
                 Subject: Palkkalista meni koko henkilokunnalle\n\
                 Message-ID: <web-1@uni.example>\n\
                 Content-Type: text/plain; charset=utf-8\n\
                 \n\
                 QZX-MAIL-5521 palkkalista lähti väärälle jakelulistalle.\n",
            ),
            &settings,
        )
        .await
        .unwrap();
    assert_eq!(first.outcome, MailOutcome::NewCase);
    let reply = app
        .state
        .intake_mail(
            &app.uni,
            crlf(&format!(
                "From: Sanna Sihteeri <sanna@uni.example>\n\
                 To: tietosuoja@uni.example\n\
                 Subject: Lisatietoa {}\n\
                 Message-ID: <web-2@uni.example>\n\
                 Content-Type: text/plain; charset=utf-8\n\
                 \n\
                 QZX-REPLY-7781 jakelulista on nyt tyhjennetty.\n",
                first.reference
            )),
            &settings,
        )
        .await
        .unwrap();
    assert_eq!(
        reply.outcome,
        MailOutcome::Supplement,
        "threaded by the reference in the subject"
    );
    assert_eq!(reply.case_id, first.case_id);
    // Someone else naming the case in a subject is a report of their own, not a supplement.
    let other = app
        .state
        .intake_mail(
            &app.uni,
            crlf(&format!(
                "From: Kalle Kollega <kalle@uni.example>\n\
                 To: tietosuoja@uni.example\n\
                 Subject: Sama juttu kuin {}\n\
                 Message-ID: <web-4@uni.example>\n\
                 \n\
                 Minullekin tuli palkkalista.\n",
                first.reference
            )),
            &settings,
        )
        .await
        .unwrap();
    assert_eq!(other.outcome, MailOutcome::NewCase);
    assert_ne!(other.case_id, first.case_id);
    let out_of_office = crlf(
        "From: Loma <loma@uni.example>\n\
         To: tietosuoja@uni.example\n\
         Subject: Poissa\n\
         Message-ID: <web-3@uni.example>\n\
         Auto-Submitted: auto-replied\n\
         \n\
         Lomalla.\n",
    );
    let auto = app
        .state
        .intake_mail(&app.uni, out_of_office.clone(), &settings)
        .await
        .unwrap();
    // The same message again: recognised.
    let again = app
        .state
        .intake_mail(&app.uni, out_of_office, &settings)
        .await
        .unwrap();
    assert_eq!(again.outcome, MailOutcome::Seen);
    assert_eq!(again.case_id, auto.case_id);

    let mut b = app.signed_in(&dpo).await;
    let page = b
        .get(&format!("/desk/cases/{}?lang=en", first.case_id))
        .await;
    assert_eq!(page.status, 200);
    for shown in [
        "Came by e-mail to the reporting address.",
        "Sender",
        "Sanna Sihteeri &#60;sanna@uni.example&#62;",
        "Subject",
        "Palkkalista meni koko henkilokunnalle",
        "QZX-MAIL-5521",
        "QZX-REPLY-7781",
    ] {
        assert!(page.body.contains(shown), "{shown} on the page");
    }
    let fi = b.get(&format!("/desk/cases/{}", first.case_id)).await;
    assert!(fi.body.contains("Tuli sähköpostitse ilmoitusosoitteeseen."));
    assert!(fi.body.contains("Lähettäjä"));
    let flagged = b
        .get(&format!("/desk/cases/{}?lang=sv", auto.case_id))
        .await;
    assert!(
        flagged
            .body
            .contains("Automatiskt svar (t.ex. frånvaromeddelande), inte kvitterat."),
        "the flag in words"
    );
    assert!(!flagged.body.contains(">auto_reply<"));

    // Who may not: another organisation's DPO and the administrator.
    for (who, email) in [(&museum_dpo, "museum"), (&admin, "admin")] {
        let mut other = app.signed_in(who).await;
        let r = other
            .get(&format!("/desk/cases/{}?lang=en", first.case_id))
            .await;
        assert!(matches!(r.status, 403 | 404), "{email}: {}", r.status);
        assert!(!r.body.contains("QZX-MAIL-5521"), "{email}");
    }
}
